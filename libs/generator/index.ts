export {
  DEFAULT_REPORTED_FROM, DEFAULT_UNTIL, generateCase, generateCases, generateNdjson,
  type GenerateOptions, type InterchangeLine,
} from './generator.js';
export { CALIBRATION, SEEDED_BEHAVIOURS, type CalibrationTarget } from './calibration.js';
export { MODEL } from './case-simulator.js';
