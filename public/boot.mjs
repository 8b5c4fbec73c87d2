// The loading frame's progress (Trunk's initializer, `data-initializer` in index.html).
//
// index.html shows Linkwork's header and "Loading Linkwork…" as soon as the page and its
// stylesheet arrive, before the app's WebAssembly has downloaded. This module moves the
// progress bar as the WebAssembly arrives and, if the app cannot start, says so in plain
// words. The app removes the frame (`#boot`) itself, in the same task as it draws its
// first screen, so nothing moves when it takes over.
//
// It runs under the page's content security policy: a file of the app's own origin, no
// inline code, no styles set from script.

/** The element of the loading frame with this id, if the frame is still there. */
const part = (id) => document.getElementById(id);

export default function linkworkBoot() {
  return {
    onProgress: ({ current, total }) => {
      const bar = part('boot-progress');
      // Without a size (a host that drops Content-Length) the bar stays indeterminate.
      if (bar && total > 0) bar.value = Math.min(100, Math.round((current / total) * 100));
    },
    onFailure: (error) => {
      const frame = part('boot');
      if (!frame) return;
      part('boot-progress')?.remove();
      part('boot-heading').textContent = 'Linkwork could not start';
      const status = part('boot-status');
      status.setAttribute('role', 'alert');
      status.textContent = navigator.onLine
        ? 'The app did not load completely. Reload the page to try again. If it happens ' +
          'again, this browser may be out of date or have WebAssembly turned off: try a ' +
          'current Chrome, Edge, Firefox or Safari.'
        : 'This computer is offline and Linkwork has not been opened here before. Connect ' +
          'to the internet and reload the page. After one visit it opens offline too.';
      // For whoever supports the PC: the error itself goes to the console only.
      console.error('Linkwork could not start:', error);
    },
  };
}
