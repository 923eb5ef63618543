// The figures the synthetic cases are calibrated to, in one place: the generator's knobs are tuned so that
// these come out of the generated events (measured as shared/spec/views.md defines them, over all the
// generated cases with the default window 2023-01-01 … 2026-01-01), and the calibration test checks them.
//
// Source: "The London Rape Review - 2021 Update. Reflections and Recommendations from London's Victims'
// Commissioner" (shared/seeds/london-rape-review-2021-update.txt), which reports MOPAC's research on
// requests for victims' phones; quoted by section below.
//
// `tolerance` is the absolute difference (shares: a fraction, so 0.03 = 3 percentage points) the
// calibration test accepts on 20,000 cases. Sampling noise there is well under it (a share near 0.5
// over 5,000 requests has a standard error of 0.007; over 20,000 cases, 0.0035): the tolerance is room
// for the calibration itself, which is tuned to land within about a third of it.

export interface CalibrationTarget {
  readonly target: number;
  readonly tolerance: number;
}

export const CALIBRATION = {
  /**
   * Share of cases ending with a withdrawal in effect (views.md: the last VictimWithdrew/VictimReengaged
   * is a VictimWithdrew). §2: "the number of cases where the victim/survivor has withdrawn from the
   * process increase to 65% from 58%".
   */
  withdrawnShare: { target: 0.65, tolerance: 0.03 },

  /**
   * Of the withdrawals in effect, share within 7 days of the report (d <= 7). §2: "Of those who withdraw,
   * 38% do so in the first seven days".
   */
  withdrawnWithin7DaysShare: { target: 0.38, tolerance: 0.03 },

  /**
   * Of the withdrawals in effect, share within 30 days (d <= 30). §2: "almost two-thirds (64%) withdraw
   * within 30 days".
   */
  withdrawnWithin30DaysShare: { target: 0.64, tolerance: 0.03 },

  /**
   * Of the withdrawals in effect, share with reason `not_established`. §2: "in one in five cases that ended
   * in victim withdrawal, no specific withdrawal reason could be established".
   */
  notEstablishedShare: { target: 0.2, tolerance: 0.03 },

  /**
   * Share of cases with a victim device request (`DeviceRequested` owner victim; nearly all phones).
   * §3: "police recorded requests being made in only 23% of cases".
   */
  victimDeviceRequestShare: { target: 0.23, tolerance: 0.02 },

  /**
   * Of victim device requests, share agreed (the rest declined or pending). §3: "only 50% of
   * victims/survivors provided consent when their phones had been requested".
   */
  agreedShare: { target: 0.5, tolerance: 0.03 },

  /**
   * Mean days a victim's device is held (days(DeviceSeized, DeviceReturned) over returned victim devices;
   * the long tail reaches two years and a few are still held). §3: "This research found an average of
   * 89 days, but ISVAs shared experiences of phones being held for much longer – sometimes up to 2 years."
   */
  meanRetentionDays: { target: 89, tolerance: 8 },

  /** Longest retention generated, in days (§3: "sometimes up to 2 years"). */
  maxRetentionDays: { target: 730, tolerance: 0 },

  /**
   * Of examined victim devices, share with no relevant material. §3: "11 of the 25 phones that were
   * handed over did not include any evidence relevant to the case" (0.44).
   */
  noRelevantMaterialShare: { target: 11 / 25, tolerance: 0.04 },

  /**
   * Of victim device requests, share with at least one disproportionality flag (views.md flags: no line of
   * enquiry, no alternatives considered, period unbounded or beyond the offence window, full extraction,
   * non-recent with no contact, requested before the account, repeated after a decline, not supervisor
   * authorised, incomplete or blank notice). §3: "the 2019 HMIC investigation … found that 4 in 10
   * requests for victims'/survivors' personal data 'were disproportionate'".
   */
  flaggedRequestShare: { target: 0.4, tolerance: 0.03 },

  /**
   * Odds ratio of an NFA outcome with vs without `AccountInconsistencyNoted`, over closed cases (the
   * predictors view). §4: "inconsistencies in victim/survivor accounts make it 12 times more likely that
   * the police will close a case with No Further Action". Wide tolerance: the cases with an inconsistency
   * that are not NFA number only a few dozen in 20,000, so the ratio's own 95% interval spans about ±40%.
   */
  inconsistencyNfaOddsRatio: { target: 12, tolerance: 5 },
} as const satisfies Record<string, CalibrationTarget>;

/** Qualitative behaviours of the seed document the generator also reproduces (not measured by the test). */
export const SEEDED_BEHAVIOURS = [
  '§2: ISVAs often not working with the victim in the first 30 days (IsvaEngaged mostly after day 30), referral usually within 2 working days',
  '§2: a victim waiting to rearrange her VRI whose case was closed as a withdrawal (InterviewCancelled victimWishesToRearrange, then an unconfirmed withdrawal, Outcome 16)',
  '§2: Outcome 16 "potentially masks a multitude of factors" (a few Outcome 16 with no recorded withdrawal)',
  '§2: officers failing to give updates "in the 28 days most months" (gaps between victim updates over 28 days)',
  '§3: blank consent forms signed before being filled in; "what other means" left blank; 7 years of data requested',
  '§3: phones requested again after a refusal ("They asked me over and over"), or again after return because the download failed',
  '§3: no replacement phone; downloads quick but examination months later; dating-app data lost',
  '§3: third-party material (medical, counselling, social services, school) requested, sometimes without senior approval or without telling the victim',
  '§4: inconsistencies in accounts making NFA far more likely',
  'Recommendation 3: suspects\' devices requested and seized without agreement',
] as const;
