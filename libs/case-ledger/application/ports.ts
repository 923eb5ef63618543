// Ports the application layer needs besides the event store, injected by token.
export const CLOCK = Symbol('CLOCK');
export const ID_GENERATOR = Symbol('ID_GENERATOR');

/** The ledger's notion of "now", in ms since the epoch. Only the edges read it; time then travels in commands. */
export interface Clock { now(): number }
export interface IdGenerator { newId(): string }

export const systemClock: Clock = { now: () => Date.now() };
