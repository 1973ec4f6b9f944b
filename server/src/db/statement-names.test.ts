import { describe, expect, it } from 'vitest';
import { StatementNames } from './database.ts';

describe('prepared statements chosen by use', () => {
  it('names a text on its third use and keeps that name', () => {
    const names = new StatementNames(3, 10);
    const q = 'select * from polls where id = $1';
    expect(names.nameFor(q)).toBeUndefined();
    expect(names.nameFor(q)).toBeUndefined();
    const name = names.nameFor(q);
    expect(name).toMatch(/^pj_\d+$/);
    expect(names.nameFor(q)).toBe(name);
    expect(names.nameFor('select 1 where $1::int > 0')).toBeUndefined();
  });

  it('never names transaction control or utility statements', () => {
    const names = new StatementNames(1, 10);
    for (const q of ['begin', 'COMMIT', 'rollback', 'savepoint sp1', 'vacuum poll_box', 'set local lock_timeout = 1000', '  listen x', 'create table t (a int)']) {
      expect(names.nameFor(q), q).toBeUndefined();
    }
    expect(names.nameFor('with x as (select 1) select * from x')).toBeDefined();
  });

  it('stops naming new texts at the cap, so a connection holds a bounded number', () => {
    const names = new StatementNames(1, 3);
    const named = Array.from({ length: 6 }, (_, i) => names.nameFor(`select ${i}`));
    expect(named.filter((n) => n !== undefined)).toHaveLength(3);
    expect(new Set(named.filter(Boolean)).size).toBe(3);
    expect(names.preparedCount).toBe(3);
    expect(names.nameFor('select 0')).toBe(named[0]);
  });
});
