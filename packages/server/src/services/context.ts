import type { TRole } from '@sinergi/domain';

/** The signed-in person a service acts for. */
export interface Actor {
  id: string;
  username: string;
  fullName: string;
  role: TRole;
  scopes: string[];
  pillarCode: string | null;
}

/** What every use case receives besides its input: who, from where, and when. */
export interface RequestContext {
  actor: Actor;
  ip: string | null;
  now: Date;
}

/** The actor used by the first start and by CLI commands run on the server machine. */
export const SYSTEM_ACTOR: Actor = {
  id: '00000000-0000-0000-0000-000000000000',
  username: 'system',
  fullName: 'Sinergi (sistem)',
  role: 'admin',
  scopes: ['*'],
  pillarCode: null,
};

export function systemContext(now = new Date()): RequestContext {
  return { actor: SYSTEM_ACTOR, ip: null, now };
}
