import { errorOf } from '../../test/support/domain';
import { checkInsurancePolicy, checkShareholding, covers } from './insurance.rules';


describe('checkInsurancePolicy', () => {
  const ok = {
    memberStatus: 'ACTIVE' as const, insurer: '中国人寿', policyNo: 'P-1', premiumFen: 5_000n, sumInsuredFen: 5_000_000n,
    startsOn: '2024-01-01', endsOn: '2024-12-31',
  };
  it.each<[string, Partial<typeof ok> | { memberStatus: 'WITHDRAWN' }, string | undefined, RegExp?]>([
    ['a valid policy', {}, undefined],
    ['a free policy, one day long', { premiumFen: 0n, endsOn: '2024-01-01' }, undefined],
    ['withdrawn member', { memberStatus: 'WITHDRAWN' }, 'MEMBER_NOT_ACTIVE'],
    ['no insurer', { insurer: ' ' }, 'INVALID_INPUT', /insurer/],
    ['no policy number', { policyNo: '' }, 'INVALID_INPUT', /policyNo/],
    ['negative premium', { premiumFen: -1n }, 'INVALID_INPUT', /premium/],
    ['zero sum insured', { sumInsuredFen: 0n }, 'INVALID_INPUT', /sum insured/],
    ['ends before it starts', { endsOn: '2023-12-31' }, 'INVALID_INPUT', /ends before/],
  ])('%s', (_n, patch, code, ...rest) => {
    const reason = rest[0];
    const e = errorOf(() => checkInsurancePolicy({ ...ok, ...patch }));
    expect(e?.code).toBe(code);
    if (reason) {
      expect(String(e?.details.reason)).toMatch(reason);
      expect(String(e?.details.reasonZh)).toMatch(/[\u4e00-\u9fff]/); // the Chinese message is Chinese throughout
    }
  });
  it.each<[string, boolean]>([
    ['2023-12-31', false], ['2024-01-01', true], ['2024-06-30', true], ['2024-12-31', true], ['2025-01-01', false],
  ])('covers %s: %s', (asOf, want) => expect(covers(ok, asOf)).toBe(want));
});

describe('checkShareholding', () => {
  const ok = {
    memberStatus: 'ACTIVE' as const, povertyStatus: 'REGISTERED_POOR' as const, isShuangdao: false,
    farmerCooperativeZh: '滩羊养殖合作社', farmerCooperativeEn: 'Tan Sheep Cooperative', source: 'MUTUAL_AID' as const,
    amountFen: 100_000n, returnsFen: 0n,
  };
  type P = Omit<Partial<typeof ok>, 'memberStatus' | 'povertyStatus' | 'source'> & {
    memberStatus?: 'ACTIVE' | 'WITHDRAWN'; povertyStatus?: 'REGISTERED_POOR' | 'ORDINARY' | 'WEALTHY'; source?: 'MUTUAL_AID' | 'SHUANGDAO';
  };
  it.each<[string, P, string | undefined, RegExp?]>([
    ['mutual-aid money of a poor household', {}, undefined],
    ['双到 money of a 双到 household, with returns', { source: 'SHUANGDAO', isShuangdao: true, returnsFen: 8_000n }, undefined],
    ['withdrawn member', { memberStatus: 'WITHDRAWN' }, 'MEMBER_NOT_ACTIVE'],
    ['no Chinese name', { farmerCooperativeZh: ' ' }, 'INVALID_INPUT', /name/],
    ['no English name', { farmerCooperativeEn: '' }, 'INVALID_INPUT', /name/],
    ['zero amount', { amountFen: 0n }, 'INVALID_INPUT', /amount/],
    ['negative returns', { returnsFen: -1n }, 'INVALID_INPUT', /returns/],
    ['an ordinary household', { povertyStatus: 'ORDINARY' }, 'INVALID_INPUT', /registered poor/],
    ['双到 source without 双到 money', { source: 'SHUANGDAO' }, 'INVALID_INPUT', /双到/],
  ])('%s', (_n, patch, code, ...rest) => {
    const reason = rest[0];
    const e = errorOf(() => checkShareholding({ ...ok, ...patch }));
    expect(e?.code).toBe(code);
    if (reason) {
      expect(String(e?.details.reason)).toMatch(reason);
      expect(String(e?.details.reasonZh)).toMatch(/[\u4e00-\u9fff]/); // the Chinese message is Chinese throughout
    }
  });
});
