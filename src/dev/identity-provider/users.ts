import { timingSafeEqual } from 'node:crypto';

export interface DemoUser {
  username: string;
  password: string;
  name: string;
  email: string;
  groups: string[];
}

/**
 * The demo's operators, one per role plus one without any mapped group (to show the "no access"
 * page). Their passwords are public: the sign-in page lists them.
 */
export const DEMO_USERS: readonly DemoUser[] = Object.freeze([
  {
    username: 'admin',
    password: 'admin-pass',
    name: 'Ada Admin',
    email: 'admin@prism.example',
    groups: ['prism-admins'],
  },
  {
    username: 'operator',
    password: 'operator-pass',
    name: 'Oscar Operator',
    email: 'operator@prism.example',
    groups: ['prism-operators'],
  },
  {
    username: 'viewer',
    password: 'viewer-pass',
    name: 'Vera Viewer',
    email: 'viewer@prism.example',
    groups: ['prism-viewers'],
  },
  {
    username: 'nobody',
    password: 'nobody-pass',
    name: 'Nora Nobody',
    email: 'nobody@prism.example',
    groups: ['marketing'],
  },
]);

export function findUser(username: string): DemoUser | undefined {
  return DEMO_USERS.find((user) => user.username === username);
}

/** The user whose password this is, or undefined; one answer for an unknown name and a wrong password. */
export function authenticate(username: string, password: string): DemoUser | undefined {
  const user = findUser(username);
  const expected = Buffer.from(user?.password ?? '\0 no such user');
  const given = Buffer.from(password);
  const matches = expected.length === given.length && timingSafeEqual(expected, given);
  return user && matches ? user : undefined;
}
