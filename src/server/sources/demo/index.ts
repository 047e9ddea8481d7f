/** The demo source and its generator, for `serve --demo` and benchmarks. */
export { createDemoGenerator, mulberry32, type DemoGenerator, type DemoGeneratorOptions } from './generator.js';
export { DEMO_SITES, DEMO_SENSORS, DEMO_NETWORKS, type DemoSite } from './networks.js';
export { demoSourceType, TICK_MS } from './source.js';
