// The inspectors' views: public API (see DECISIONS.md for what views.md leaves open).
export {
  CONTACT, DIGEST_VERSION, T, digestsOf, emptyDigest, evolveDigest,
  type CaseDigest, type DigestEntry,
} from './case-digest/case-digest.js';
export { caseFacts, caseFactsOf, eventsInView, factsHoldAt, nextViewChangeMs, type CaseFacts } from './case-digest/case-facts.js';
export { aggregateWithdrawal, type WithdrawalView } from './withdrawal/withdrawal-view.js';
export { aggregateTimeliness, type TimelinessView } from './timeliness/timeliness-view.js';
export { aggregateDisproportionality, type DisproportionalityView } from './disproportionality/disproportionality-view.js';
export { aggregatePredictors, oddsRatio, PREDICTOR_FACTORS, type PredictorsView } from './predictors/predictors-view.js';
export {
  GROUP_KEYS, VIEW_NAMES, VIEW_PARAM_NAMES, ViewParamError, aggregateView, compareByCodePoint, computeView, groupKeyOf, inCohort,
  parseViewParams, viewToCsv,
  type AnyView, type GroupKey, type Grouped, type ViewName, type ViewParams, type ViewResult, type ViewsByName,
} from './query.js';
