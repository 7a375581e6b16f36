import type { SeedLayout } from '../lib/seed-layout';
import { RECOUNT_MEMBER_COUNTERS } from './migrations/Migration0002Counters';

/** The members tables the bulk seed writes, referenced ones first (county is the root of every row). */
export const membersSeedLayout: SeedLayout = {
  tables: [
    { name: 'county', columns: 'id, code, city_zh, name_zh, name_en' },
    { name: 'township', columns: 'id, county_id, name_zh, name_en' },
    { name: 'village', columns: 'id, township_id, county_id, name_zh, name_en, is_poor, is_migrant' },
    { name: 'cooperative', columns: 'id, village_id, township_id, county_id, name_zh, name_en, status, management_mode, founded_on', identity: true },
    {
      name: 'member',
      columns:
        'id, cooperative_id, township_id, county_id, household_no, head_name, id_number, residence_village_id, household_size, poverty_status, ' +
        'is_absolute_poor, is_party_member, card_bank, card_account, status, joined_on, left_on',
      identity: true,
    },
    // every household's status at admission, as admitMember writes it (Migration0007PovertyHistory), and a few later changes
    { name: 'poverty_status_change', columns: 'member_id, cooperative_id, township_id, county_id, status, previous_status, effective_on, reason, document_no, changed_by, recorded_at', identity: true },
    { name: 'contribution', columns: 'id, member_id, cooperative_id, kind, amount_fen, paid_on, ledger_status, created_at', identity: true },
    { name: 'guarantee_group', columns: 'id, cooperative_id, name, kind, guarantor_member_id, status, formed_on', identity: true },
    { name: 'guarantee_group_member', columns: 'group_id, member_id, active' },
    { name: 'insurance_policy', columns: 'id, member_id, cooperative_id, insurer, policy_no, premium_fen, sum_insured_fen, starts_on, ends_on', identity: true },
    {
      name: 'shareholding',
      columns: 'id, member_id, cooperative_id, farmer_cooperative_zh, farmer_cooperative_en, source, amount_fen, acquired_on, returns_fen',
      identity: true,
    },
  ],
  // what the member_counts_* triggers would have done
  recompute: [RECOUNT_MEMBER_COUNTERS],
};
