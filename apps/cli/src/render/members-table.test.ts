import { describe, expect, it } from 'vitest';
import { leaderOf, renderMembers } from './members-table.js';

describe('members output', () => {
  it('marks the leading coordinator', () => {
    const members = {
      members: [
        {
          id: 'w1',
          role: 'worker',
          state: 'alive',
          address: 'h:2',
          models: ['vit-tiny'],
          leader: false,
          incarnation: 0,
        },
        {
          id: 'c1',
          role: 'coordinator',
          state: 'alive',
          address: 'h:1',
          models: [],
          leader: true,
          incarnation: 1,
        },
      ],
    };
    expect(leaderOf(members)).toBe('c1');
    expect(renderMembers(members).split('\n')).toEqual([
      'ID  ROLE                  STATE  ADDRESS  MODELS',
      'c1  coordinator (leader)  alive  h:1      -',
      'w1  worker                alive  h:2      vit-tiny',
      '',
      'leader: c1',
    ]);
  });
});
