import { seedTable, type SeedLayout } from '../lib/seed-layout';
import { CONTRIBUTION, EXIT_RETURN } from './contribution.entity';
import { COOPERATIVE } from './cooperative.entity';
import { COUNTY, TOWNSHIP, VILLAGE } from './geography.entity';
import { GUARANTEE_GROUP, GUARANTEE_GROUP_MEMBER } from './guarantee.entity';
import { INSURANCE_POLICY, SHAREHOLDING } from './insurance.entity';
import { MEMBER } from './member.entity';
import { POVERTY_STATUS_CHANGE } from './poverty.entity';
import { RECOUNT_MEMBER_COUNTERS } from './migrations/Migration0002Counters';

/** The members tables the bulk seed writes, referenced ones first (county is the root of every row). */
export const membersSeedLayout: SeedLayout = {
  tables: [
    seedTable(COUNTY, ['id', 'code', 'city_zh', 'name_zh', 'name_en']),
    seedTable(TOWNSHIP, ['id', 'county_id', 'name_zh', 'name_en']),
    seedTable(VILLAGE, ['id', 'township_id', 'county_id', 'name_zh', 'name_en', 'is_poor', 'is_migrant']),
    seedTable(COOPERATIVE, ['id', 'village_id', 'township_id', 'county_id', 'name_zh', 'name_en', 'status', 'management_mode', 'founded_on']),
    seedTable(MEMBER, [
      'id', 'cooperative_id', 'township_id', 'county_id', 'household_no', 'head_name', 'id_number', 'residence_village_id', 'household_size',
      'poverty_status', 'is_absolute_poor', 'is_party_member', 'card_bank', 'card_account', 'status', 'joined_on', 'left_on',
    ]),
    // every household's status at admission, as admitMember writes it (Migration0007PovertyHistory), and a few later changes
    seedTable(POVERTY_STATUS_CHANGE, [
      'member_id', 'cooperative_id', 'township_id', 'county_id', 'status', 'previous_status', 'effective_on', 'reason', 'document_no', 'changed_by', 'recorded_at',
    ]),
    seedTable(CONTRIBUTION, ['id', 'member_id', 'cooperative_id', 'kind', 'amount_fen', 'paid_on', 'ledger_status', 'created_at']),
    seedTable(GUARANTEE_GROUP, ['id', 'cooperative_id', 'name', 'kind', 'guarantor_member_id', 'status', 'formed_on']),
    seedTable(GUARANTEE_GROUP_MEMBER, ['group_id', 'member_id', 'active']),
    seedTable(INSURANCE_POLICY, ['id', 'member_id', 'cooperative_id', 'insurer', 'policy_no', 'premium_fen', 'sum_insured_fen', 'starts_on', 'ends_on']),
    seedTable(SHAREHOLDING, [
      'id', 'member_id', 'cooperative_id', 'farmer_cooperative_zh', 'farmer_cooperative_en', 'source', 'amount_fen', 'acquired_on', 'returns_fen',
    ]),
  ],
  // the exit's returns name members of the data being replaced (the seed writes none)
  alsoTruncate: [EXIT_RETURN.name],
  // what the member_counts_* triggers would have done
  recompute: [RECOUNT_MEMBER_COUNTERS],
};
