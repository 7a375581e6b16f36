import { numberPlaceholders } from '../../subgraphs/lib/read-path';

describe('numberPlaceholders: knex-style ? to $n', () => {
  it.each([
    ['no parameters', 'select 1', 'select 1', 0],
    ['in order', 'select * from t where a = ? and b = any(?::int[])', 'select * from t where a = $1 and b = any($2::int[])', 2],
    ['not inside a string', "select '?' as q, x from t where y = ?", "select '?' as q, x from t where y = $1", 1],
    ['not inside a quoted identifier', 'select "a?" from t where y = ?', 'select "a?" from t where y = $1', 1],
    ['an escaped quote keeps the string open', "select 'it''s ?' from t where y = ?", "select 'it''s ?' from t where y = $1", 1],
    ['not inside a line comment, whose apostrophe opens no string', "select a -- the period's end?\nfrom t where y = ?", "select a -- the period's end?\nfrom t where y = $1", 1],
    ['not inside a block comment', "select /* it's ? */ a from t where y = ?", "select /* it's ? */ a from t where y = $1", 1],
    ['a comment on the last line', 'select ? -- done?', 'select $1 -- done?', 1],
    ['a minus is not a comment', 'select a - ? from t', 'select a - $1 from t', 1],
    ['?? is a literal ?', "select j ?? 'k' from t where y = ?", "select j ? 'k' from t where y = $1", 1],
  ])('%s', (_label, sql, text, count) => {
    expect(numberPlaceholders(sql)).toEqual({ text, count });
  });
});
