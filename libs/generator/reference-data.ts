// Reference data for synthetic cases: forces, areas, support services and the free texts officers write.
// Places and services are real public bodies; people never appear: victims, suspects and officers are
// pseudonymous codes made by the generator.

export interface ForceInfo {
  /** `CaseReported.force`. */
  readonly name: string;
  /** Prefix of the caseId (A-Za-z0-9 only). */
  readonly code: string;
  /** Areas reported as `borough`. */
  readonly areas: readonly string[];
  /** Name of the specialist team kind (`Lambeth-SOIT-2`, `North-Kent-RASSO-1`). */
  readonly teamKind: string;
  /** Teams per area. */
  readonly teams: number;
  /** Its records system writes instants in Europe/London local time with an offset (else UTC with Z). */
  readonly localTime: boolean;
  /** Its crime reference style. */
  readonly crimeRef: 'cris' | 'force';
  /** ISVA services its victims are referred to. */
  readonly isvaServices: readonly string[];
  /** Share of generated cases. */
  readonly weight: number;
}

export const LONDON_BOROUGHS = [
  'Barking and Dagenham', 'Barnet', 'Bexley', 'Brent', 'Bromley', 'Camden', 'Croydon', 'Ealing', 'Enfield',
  'Greenwich', 'Hackney', 'Hammersmith and Fulham', 'Haringey', 'Harrow', 'Havering', 'Hillingdon', 'Hounslow',
  'Islington', 'Kensington and Chelsea', 'Kingston upon Thames', 'Lambeth', 'Lewisham', 'Merton', 'Newham',
  'Redbridge', 'Richmond upon Thames', 'Southwark', 'Sutton', 'Tower Hamlets', 'Waltham Forest', 'Wandsworth',
  'Westminster',
] as const;

export const FORCES: readonly ForceInfo[] = [
  {
    name: 'MPS', code: 'MPS', areas: LONDON_BOROUGHS, teamKind: 'SOIT', teams: 3, localTime: false, crimeRef: 'cris',
    isvaServices: ['Havens', 'Havens', 'Solace ISVA', 'Rape Crisis South London', 'Women and Girls Network', 'Survivors UK', 'Galop'],
    weight: 0.8,
  },
  {
    name: 'BTP', code: 'BTP', areas: ['London North', 'London South', 'Wales and Western', 'Pennine', 'Scotland'],
    teamKind: 'SOIT', teams: 2, localTime: false, crimeRef: 'force', isvaServices: ['Havens', 'Rape Crisis England and Wales', 'Survivors UK'],
    weight: 0.04,
  },
  {
    name: 'Kent', code: 'KENT', areas: ['North Kent', 'East Kent', 'West Kent'], teamKind: 'RASSO', teams: 2, localTime: true,
    crimeRef: 'force', isvaServices: ['East Kent Rape Line', 'Kent SARC', 'Family Matters'], weight: 0.05,
  },
  {
    name: 'Essex', code: 'ESSEX', areas: ['Chelmsford', 'Colchester', 'Basildon', 'Southend'], teamKind: 'RASSO', teams: 2,
    localTime: false, crimeRef: 'force', isvaServices: ['Synergy Essex', 'Synergy Essex', 'Changing Pathways'], weight: 0.04,
  },
  {
    name: 'Surrey', code: 'SURREY', areas: ['North Surrey', 'East Surrey', 'West Surrey'], teamKind: 'SOIT', teams: 2,
    localTime: true, crimeRef: 'force', isvaServices: ['Surrey SARC', 'RASASC Guildford'], weight: 0.03,
  },
  {
    name: 'Thames Valley', code: 'TVP', areas: ['Oxfordshire', 'Berkshire West', 'Berkshire East', 'Buckinghamshire', 'Milton Keynes'],
    teamKind: 'RASSO', teams: 2, localTime: false, crimeRef: 'force', isvaServices: ['Thames Valley Sexual Violence Support', 'Trust House Reading', 'SARC Oxford'],
    weight: 0.04,
  },
];

/** `Lambeth` + `SOIT` + 2 → `Lambeth-SOIT-2`; `Barking and Dagenham` → `Barking-and-Dagenham-SOIT-1`. */
export function teamName(area: string, kind: string, n: number): string {
  return `${area.replace(/ /g, '-')}-${kind}-${n}`;
}

/** Pseudonym alphabet: upper case and digits without the look-alikes 0/O and 1/I. */
export const PSEUDONYM_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** Lines of enquiry that name what the device should show and why. */
export const LINES_OF_ENQUIRY = [
  'Victim states the suspect sent WhatsApp messages the morning after, acknowledging what happened',
  'Messages arranging to meet the suspect on the evening of the offence, to establish the timeline',
  'Photographs taken by the victim on the night showing injuries',
  'Location data to corroborate the account of the route home after the offence',
  "Call log showing the victim's call to a friend immediately after the offence (first complaint)",
  'Snapchat messages from the suspect referring to the offence, reported by the victim in her account',
  'Dating app conversation with the suspect before the meeting, which the app deletes on unmatching',
  'Text messages in which the suspect apologised, described in the victim’s VRI',
  'Voice notes the suspect sent after the offence containing threats',
  'Messages to a friend sent within an hour of the offence describing what happened',
];

/** Vague lines of enquiry: present, but naming no specific material (recorded as given). */
export const VAGUE_LINES_OF_ENQUIRY = [
  'Possible evidence on phone',
  'Reasonable line of enquiry',
  'CPS will request as part of disclosure',
  'To establish the relationship between the parties',
  'Standard practice in RASSO investigations',
];

export const ALTERNATIVES = [
  "Screenshots offered by the victim considered; metadata needed to establish timing, so not sufficient",
  "Suspect's phone seized; the messages were not recovered from it",
  "Friend's phone considered; it holds only one side of the conversation",
  'Request to the platform considered; content is not retained by the provider',
  'Victim offered to upload the specific messages via the digital portal; agreed as first step, full thread required',
  'Self-selected download of the single conversation considered and agreed with the victim',
];

export const THIRD_PARTY_LINES = [
  'Medical notes of the examination at the SARC to corroborate injuries',
  'GP records referred to by the defence statement',
  'Counselling notes: the victim disclosed the offence to her counsellor before reporting',
  "School safeguarding records of the victim's disclosure",
  'Social services records of previous concerns raised about the suspect',
  'Records of the ambulance attendance on the night',
];

export const WITHDRAWAL_RATIONALES = [
  'Victim does not support further action',
  'Victim withdrew support; suspect identified',
  'Complainant no longer wishes to proceed; withdrawal statement obtained',
  'Victim has not engaged since the report; unable to progress without her account',
  'Victim does not wish to proceed at this time; advised she can re-engage',
];

export const OUTCOME_RATIONALES: Readonly<Record<number, readonly string[]>> = {
  1: ['Charged following CPS decision', 'Suspect charged; remanded in custody', 'Postal requisition issued following CPS charging decision'],
  9: ['CPS: prosecution not in the public interest'],
  10: ['Formal action not in the public interest'],
  12: ['Suspect too ill to prosecute'],
  13: ['Victim too ill to give evidence'],
  14: ['Victim does not support further action; suspect not identified', 'Evidential difficulties; victim not engaging; no suspect identified'],
  15: [
    'Evidential difficulties: victim supports action but insufficient evidence',
    'CPS advice: no realistic prospect of conviction',
    'Insufficient evidence to provide a realistic prospect of conviction',
    'Consent the central issue; account inconsistent with other evidence',
  ],
  16: WITHDRAWAL_RATIONALES,
  17: ['Prosecution time limit expired'],
  18: ['No suspect identified; all lines of enquiry exhausted', 'Investigation complete: no suspect identified'],
  20: ['Further action by another agency', 'Suspect dealt with by another force for linked offences'],
  21: ['Further investigation not in the public interest'],
  22: ['Diversionary activity undertaken'],
};

export const REOPEN_REASONS = {
  review: ["Victims' Right to Review upheld: decision to take no further action reversed", 'VRR upheld; further lines of enquiry identified'],
  reengaged: ['Victim re-engaged and wishes to support an investigation', 'Victim contacted police via ISVA to continue with the case'],
  evidence: ['New evidence received from a third party', 'Suspect linked to a further report; case reviewed'],
} as const;

export const VOID_REASONS = {
  correction: [
    'Entered with the wrong value; re-recorded corrected',
    'Recorded in error by the officer; corrected entry follows',
    'Data quality review: field corrected',
  ],
  duplicate: ['Duplicate entry', 'Entered twice when the records system timed out'],
  outcome: ['Wrong outcome code entered; corrected by the crime management unit', 'Outcome code corrected after supervisor review'],
  withdrawal: ['Withdrawal reason corrected after speaking to the victim', 'Withdrawal details corrected following ISVA contact'],
} as const;
