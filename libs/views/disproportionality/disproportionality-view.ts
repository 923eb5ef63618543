// Disproportionality view (views.md): sums of cohort cases' per-request facts.
import type { CaseFacts } from '../case-digest/case-facts.js';

export interface DisproportionalityView {
  cases: number;
  casesWithVictimDeviceRequest: number;
  victimDeviceRequests: number;
  responses: { agreed: number; declined: number; pending: number };
  flags: {
    noLineOfEnquiry: number; noAlternativesConsidered: number; periodUnboundedOrBeyondWindow: number;
    fullExtraction: number; nonRecentNoContact: number; requestedBeforeAccount: number;
    repeatedAfterDecline: number; notSupervisorAuthorised: number; incompleteNotice: number;
  };
  flaggedRequests: number;
  examined: number;
  noRelevantMaterial: number;
  suspectDeviceRequests: number;
  thirdParty: {
    requests: number; noParameters: number; noLineOfEnquiry: number;
    counsellingRequests: number; counsellingWithoutSeniorApproval: number; victimNotInformed: number;
  };
}

/** Nothing in this view measures time up to asOf: `_asOfMs` is taken for a uniform signature. */
export function aggregateDisproportionality(facts: readonly CaseFacts[], _asOfMs: number): DisproportionalityView {
  let casesWithRequest = 0, requests = 0, agreed = 0, declined = 0, pending = 0;
  let noLine = 0, noAlt = 0, period = 0, full = 0, nonRecent = 0, beforeAccount = 0, repeated = 0, notAuthorised = 0;
  let incomplete = 0, flagged = 0, examined = 0, noRelevant = 0, suspect = 0;
  let tp = 0, tpNoParams = 0, tpNoLine = 0, tpCounselling = 0, tpCounsellingNoApproval = 0, tpNotInformed = 0;

  for (let k = 0; k < facts.length; k++) {
    const f = facts[k]!;
    if (f.victimDeviceRequests > 0) casesWithRequest++;
    requests += f.victimDeviceRequests;
    agreed += f.agreed; declined += f.declined; pending += f.pending;
    noLine += f.noLineOfEnquiry; noAlt += f.noAlternativesConsidered; period += f.periodUnboundedOrBeyondWindow;
    full += f.fullExtraction; nonRecent += f.nonRecentNoContact; beforeAccount += f.requestedBeforeAccount;
    repeated += f.repeatedAfterDecline; notAuthorised += f.notSupervisorAuthorised; incomplete += f.incompleteNotice;
    flagged += f.flaggedRequests; examined += f.examined; noRelevant += f.noRelevantMaterial;
    suspect += f.suspectDeviceRequests;
    tp += f.tpRequests; tpNoParams += f.tpNoParameters; tpNoLine += f.tpNoLineOfEnquiry;
    tpCounselling += f.tpCounsellingRequests; tpCounsellingNoApproval += f.tpCounsellingWithoutSeniorApproval;
    tpNotInformed += f.tpVictimNotInformed;
  }

  return {
    cases: facts.length,
    casesWithVictimDeviceRequest: casesWithRequest,
    victimDeviceRequests: requests,
    responses: { agreed, declined, pending },
    flags: {
      noLineOfEnquiry: noLine, noAlternativesConsidered: noAlt, periodUnboundedOrBeyondWindow: period,
      fullExtraction: full, nonRecentNoContact: nonRecent, requestedBeforeAccount: beforeAccount,
      repeatedAfterDecline: repeated, notSupervisorAuthorised: notAuthorised, incompleteNotice: incomplete,
    },
    flaggedRequests: flagged,
    examined,
    noRelevantMaterial: noRelevant,
    suspectDeviceRequests: suspect,
    thirdParty: {
      requests: tp, noParameters: tpNoParams, noLineOfEnquiry: tpNoLine,
      counsellingRequests: tpCounselling, counsellingWithoutSeniorApproval: tpCounsellingNoApproval,
      victimNotInformed: tpNotInformed,
    },
  };
}
