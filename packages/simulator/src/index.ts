export { createPeakaSimulator, DEFAULT_JOB_TIMINGS } from "./simulator.js";
export type { JobTimings, PeakaSimulator, PeakaSimulatorOptions, SeededIds, SimulatedFault, SimulatedRequest, SimulatorClock } from "./simulator.js";
export { serveSimulator, type ServedSimulator } from "./serve.js";
