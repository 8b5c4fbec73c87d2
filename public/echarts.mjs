// The parts of ECharts that Linkwork draws with (crates/core/src/charts.rs builds the
// options, src/charts/echart.rs owns the instances): bar, line and scatter series on a
// cartesian grid, a legend (plain or scrolling), the axis tooltip, aria (descriptions and
// decal patterns) and the SVG renderer. `cargo xtask` bundles this with esbuild into one
// classic script that sets `window.echarts`, as the full bundle does, at a fraction of
// its size. A chart that needs another series type or component must add it here.
import * as echarts from 'echarts/core';
import { BarChart, LineChart, ScatterChart } from 'echarts/charts';
import { AriaComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';

echarts.use([
  BarChart,
  LineChart,
  ScatterChart,
  AriaComponent,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  SVGRenderer,
]);

// A plain object (a module namespace cannot be changed), like the full bundle's global.
window.echarts = { ...echarts };
