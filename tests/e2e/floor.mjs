// The benchmark's floor: plain JavaScript doing only the unavoidable work on the same stored
// bytes as Linkwork, with the browser's own machinery. Reading local storage, unpacking
// the 15-bits-a-character text, WebCrypto's AES-GCM, DecompressionStream and JSON.parse to
// open a workspace; JSON.stringify, CompressionStream, AES-GCM and one setItem to save a
// part. Linkwork's times are reported as a ratio to these, measured in the same run.
//
// Each function runs inside the page (page.evaluate), so it carries its own helpers.

/**
 * Opens every encrypted part of the workspace under `prefix` (meta and writer aside) with
 * the raw key; keeps the parsed documents in window.__floorDocs. Returns the time taken.
 *
 * @param {{key: number[], prefix: string}} args the key's 32 bytes
 */
export async function floorOpen({ key: raw, prefix }) {
  const unpack = (text) => {
    const base = 0x4000;
    const len = ((text.charCodeAt(0) - base) << 15) | (text.charCodeAt(1) - base);
    const out = new Uint8Array(len);
    let acc = 0;
    let bits = 0;
    let o = 0;
    for (let i = 2; i < text.length; i += 1) {
      acc = (acc << 15) | (text.charCodeAt(i) - base);
      bits += 15;
      while (bits >= 8 && o < len) {
        bits -= 8;
        out[o] = (acc >>> bits) & 0xff;
        o += 1;
      }
      acc &= (1 << bits) - 1;
    }
    return out;
  };
  const start = performance.now();
  const key = await crypto.subtle.importKey('raw', new Uint8Array(raw), 'AES-GCM', false, ['decrypt']);
  const names = Object.keys(localStorage).filter(
    (k) => k.startsWith(prefix) && !k.endsWith('/meta') && !k.endsWith('/writer'),
  );
  const encoder = new TextEncoder();
  const docs = await Promise.all(
    names.map(async (name) => {
      const sealed = unpack(localStorage.getItem(name).slice(3));
      const plain = await crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: sealed.subarray(0, 12), additionalData: encoder.encode(name) },
        key,
        sealed.subarray(12),
      );
      const stream = new Blob([plain]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
      return [name, JSON.parse(await new Response(stream).text())];
    }),
  );
  const ms = performance.now() - start;
  window.__floorDocs = docs;
  return { ms, parts: names.length };
}

/**
 * Saves one records part the plain way (after floorOpen): stringify, deflate, encrypt,
 * pack and one setItem, under a scratch key that is then removed. Returns the time taken
 * and the characters written.
 *
 * @param {{key: number[]}} args the key's 32 bytes
 */
export async function floorSave({ key: raw }) {
  const pack = (data) => {
    const base = 0x4000;
    const chars = [base + ((data.length >>> 15) & 0x7fff), base + (data.length & 0x7fff)];
    let acc = 0;
    let bits = 0;
    for (const b of data) {
      acc = ((acc << 8) | b) & 0x7fffff;
      bits += 8;
      if (bits >= 15) {
        bits -= 15;
        chars.push(base + ((acc >>> bits) & 0x7fff));
      }
    }
    if (bits > 0) chars.push(base + ((acc << (15 - bits)) & 0x7fff));
    let text = '';
    for (let i = 0; i < chars.length; i += 8192) text += String.fromCharCode(...chars.slice(i, i + 8192));
    return text;
  };
  const [name, doc] = window.__floorDocs.find(([n]) => n.includes('/records/'));
  const key = await crypto.subtle.importKey('raw', new Uint8Array(raw), 'AES-GCM', false, ['encrypt']);
  const scratch = `${name}-floor`;
  const start = performance.now();
  const stream = new Blob([JSON.stringify(doc)]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  const compressed = new Uint8Array(await new Response(stream).arrayBuffer());
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = new Uint8Array(
    await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: new TextEncoder().encode(scratch) }, key, compressed),
  );
  const all = new Uint8Array(12 + sealed.length);
  all.set(iv);
  all.set(sealed, 12);
  const value = `E1:${pack(all)}`;
  localStorage.setItem(scratch, value);
  const ms = performance.now() - start;
  localStorage.removeItem(scratch);
  return { ms, written: scratch.length + value.length };
}
