export * from './platform-settings.ts';
export * from './snapshot-error.ts';
export * from './snapshot.ts';
export * from './read-keystone.ts';
export * from './platform-sessions.ts';
export * from './read-memberships.ts';
export * from './limits-session.ts';
