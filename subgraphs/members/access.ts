import { AUDIT_READERS, PERSONAL_NUMBER_READERS, SCOPED_READERS, type AccessCatalogue, type FieldAccess } from '../lib/access';
import type { Role } from '../lib/auth';

/** Who keeps the household register: the cooperative's board and the township's bookkeeper. */
const REGISTER_KEEPERS: readonly Role[] = ['COOPERATIVE', 'TOWNSHIP'];
const read = (scope: FieldAccess['scope']): FieldAccess => ({ roles: SCOPED_READERS, scope });
const keep: FieldAccess = { roles: REGISTER_KEEPERS, scope: 'household' };

/**
 * For whom a service may read full identity numbers (`_memberIdentities`): the county office, which
 * files the credit reference (征信报送) for its cooperatives. Everyone else reads them masked.
 */
export const IDENTITY_NUMBER_REQUESTERS: readonly Role[] = ['COUNTY'];

/** The members subgraph's access catalogue (lib/access); lib adds `membersSagaSteps`. */
export const MEMBERS_ACCESS: AccessCatalogue = {
  'Query.counties': read('county'),
  'Query.county': read('county'),
  'Query.cooperative': read('cooperative'),
  'Query.cooperatives': read('cooperative'),
  'Query.member': read('household'),
  'Query.members': read('household'),
  'Query.guaranteeGroup': read('household'),
  'Query._borrowerFacts': { roles: ['SERVICE'], scope: 'service' },
  'Query._cooperativeFacts': { roles: ['SERVICE'], scope: 'service' },
  // the union's rectification and exit (整改/退出) decide the status; members keeps it
  'Mutation._setCooperativeStatus': { roles: ['SERVICE'], scope: 'service' },
  // the union's recovery runs of an exited cooperative (退出清算)
  'Query._exitHouseholds': { roles: ['SERVICE'], scope: 'service' },
  'Mutation._recordExitReturns': { roles: ['SERVICE'], scope: 'service' },
  'Query._ratingMemberFacts': { roles: ['SERVICE'], scope: 'service' },
  'Query._povertyStatusAsOf': { roles: ['SERVICE'], scope: 'service' },
  // the person the service asks for is checked and scoped inside (IDENTITY_NUMBER_REQUESTERS)
  'Query._memberIdentities': { roles: ['SERVICE'], scope: 'service' },
  'Mutation.admitMember': keep,
  'Mutation.recordContribution': keep,
  'Mutation.withdrawContribution': keep,
  'Mutation.formGuaranteeGroup': keep,
  'Mutation.assignPartyGuarantor': keep,
  'Mutation.dissolveGuaranteeGroup': keep,
  // insurance is also arranged by the county's poverty office with the insurer
  'Mutation.recordInsurancePolicy': { roles: [...REGISTER_KEEPERS, 'COUNTY'], scope: 'household' },
  'Mutation.recordShareholding': { roles: [...REGISTER_KEEPERS, 'COUNTY'], scope: 'household' },
  'Mutation.updateCooperativePolicy': { roles: ['COUNTY'], scope: 'cooperative' },
  'Mutation.setManagementMode': { roles: ['COUNTY'], scope: 'cooperative' },
  // the poverty register is the township's and county's (建档立卡): never the board's nor the household's
  'Mutation.changePovertyStatus': { roles: ['TOWNSHIP', 'COUNTY'], scope: 'household' },
  'Cooperative.auditTrail': { roles: AUDIT_READERS, scope: 'parent' },
  'Member.auditTrail': { roles: AUDIT_READERS, scope: 'parent' },
  'Member.idNumberMasked': { roles: PERSONAL_NUMBER_READERS, scope: 'parent', otherwise: 'NULL' },
  'Member.cardAccountMasked': { roles: PERSONAL_NUMBER_READERS, scope: 'parent', otherwise: 'NULL' },
};
