import { defineCodes, fail, LIB_CODES } from '../../subgraphs/lib/error-codes';
import { DomainError } from '../../subgraphs/lib/errors';
import { fail as membersFail, MEMBERS_CODES } from '../../subgraphs/members/codes';
import { REGISTRY } from '../../subgraphs/registry';

describe('the error catalogue', () => {
  it('defines every code once: lib and the registry subgraphs share no code', () => {
    const all = [...Object.keys(LIB_CODES), ...REGISTRY.flatMap((d) => Object.keys(d.codes))];
    expect(all.filter((c, i) => all.indexOf(c) !== i)).toEqual([]);
  });

  it('refuses a second definition of a code, by another subgraph or of a lib code', () => {
    expect(() => defineCodes('someone-else', { ALREADY_MEMBER: ['甲', 'a', 'm'] })).toThrow(/ALREADY_MEMBER is defined by both members and someone-else/);
    expect(() => defineCodes('someone-else', { NOT_FOUND: ['甲', 'a', 'm'] })).toThrow(/NOT_FOUND is defined by both lib and someone-else/);
  });

  it("a subgraph's fail knows lib's codes and its own, with both messages filled from details", () => {
    const thrown = (f: () => never): DomainError => {
      try {
        f();
      } catch (e) {
        return e as DomainError;
      }
      throw new Error('did not throw');
    };
    const own = thrown(() => membersFail('GROUP_SIZE_MISMATCH', { size: 5 }));
    expect([own.code, own.messageZh, own.messageEn]).toEqual(['GROUP_SIZE_MISMATCH', '联保小组须为5户', 'A guarantee group must have exactly 5 households']);
    expect(thrown(() => membersFail('NOT_FOUND')).code).toBe('NOT_FOUND');
    expect(Object.keys(MEMBERS_CODES)).toContain('GROUP_SIZE_MISMATCH');
    // typed lists: tsc (run by `npm test`) rejects a code outside them
    // @ts-expect-error lib's fail does not know a subgraph's code
    expect(() => fail('GROUP_SIZE_MISMATCH')).toThrow();
    // @ts-expect-error no such code anywhere
    expect(() => membersFail('NO_SUCH_CODE')).toThrow(/not in the catalogue/);
    // @ts-expect-error INVALID_INPUT goes through invalid(zh, en)
    expect(() => membersFail('INVALID_INPUT')).toThrow(DomainError);
  });
});
