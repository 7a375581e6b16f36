import { printSubgraphSdl } from '../lib/subgraph';
import { membersSubgraph } from './index';

describe('members subgraph SDL', () => {
  let sdl: string;
  beforeAll(async () => {
    sdl = await printSubgraphSdl(membersSubgraph);
  });

  it('declares Cooperative and Member as entities keyed by id', () => {
    expect(sdl).toMatch(/type Cooperative @key\(fields: "id"\)/);
    expect(sdl).toMatch(/type Member @key\(fields: "id"\)/);
  });

  it('hides the internal operations and their types', () => {
    expect(sdl).toMatch(/_borrowerFacts\(memberId: Int!\): BorrowerFacts @inaccessible/);
    expect(sdl).toMatch(/_cooperativeFacts\(cooperativeId: Int!\): CooperativeFacts @inaccessible/);
    for (const t of ['BorrowerFacts', 'CooperativeFacts', 'GuaranteeFacts']) expect(sdl).toMatch(new RegExp(`type ${t} @inaccessible`));
  });

  it('uses Money for money and LocalDate for dates, never Float', () => {
    expect(sdl).not.toMatch(/\bFloat\b/);
    expect(sdl).toMatch(/maxFirstLoan: Money!/);
    expect(sdl).toMatch(/joinedOn: LocalDate!/);
  });

  it('describes every type and field', () => {
    const lines = sdl.split('\n');
    const missing: string[] = [];
    let inSchema = false;
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i]!;
      const prev = lines[i - 1] ?? '';
      if (/^schema /.test(l)) inSchema = true;
      if (inSchema) {
        if (l === '}') inSchema = false;
        continue;
      }
      const described = /^\s*"/.test(prev) || /"""\s*$/.test(prev);
      if (/^(type|input|enum|scalar) /.test(l) && !/^type (Query|Mutation) /.test(l) && !described) missing.push(l);
      if (/^  [a-zA-Z_]\w*(\(|:)/.test(l) && !described) missing.push(l.trim());
    }
    expect(missing).toEqual([]);
  });

  it('prints', () => {
    if (process.env.PRINT_SDL) console.log(sdl);
  });
});
