import { AUDIT_READERS, SCOPED_READERS, type AccessCatalogue } from '../lib/access';

/** Who reads allocations (each its rows, lib/scope): everyone scoped but a household. */
const ALLOCATION_READERS = SCOPED_READERS.filter((r) => r !== 'MEMBER');

/** The union subgraph's access catalogue (lib/access); lib adds `unionSagaSteps`. */
export const UNION_ACCESS: AccessCatalogue = {
  'Query.cooperativeUnion': { roles: SCOPED_READERS, scope: 'county' },
  'Query.cooperativeUnions': { roles: SCOPED_READERS, scope: 'county' },
  // unions are founded and joined on the county poverty office's decision (县扶贫办)
  'Mutation.foundCooperativeUnion': { roles: ['COUNTY'], scope: 'county' },
  'Mutation.updateUnionPolicy': { roles: ['COUNTY'], scope: 'county' },
  'Mutation.joinCooperativeUnion': { roles: ['COUNTY'], scope: 'cooperative' },
  'Mutation.leaveCooperativeUnion': { roles: ['COUNTY'], scope: 'cooperative' },
  // the borrower's board asks and repays, the lender's consents (each checked on the row: its own cooperative)
  'Mutation.requestAllocation': { roles: ['COOPERATIVE'], scope: 'cooperative' },
  'Mutation.consentAllocation': { roles: ['COOPERATIVE'], scope: 'cooperative' },
  'Mutation.repayAllocation': { roles: ['COOPERATIVE'], scope: 'cooperative' },
  'Mutation.countyApproveAllocation': { roles: ['COUNTY'], scope: 'county' },
  // the union's own officers approve for it; the token names the union
  'Mutation.approveAllocation': { roles: ['UNION'], scope: 'county' },
  // a household reads no allocations: they are the cooperatives' business
  'CooperativeUnion.allocations': { roles: ALLOCATION_READERS, scope: 'parent', otherwise: 'NULL' },
  'CooperativeUnion.position': { roles: ALLOCATION_READERS, scope: 'parent', otherwise: 'NULL' },
  'Cooperative.allocations': { roles: ALLOCATION_READERS, scope: 'parent', otherwise: 'NULL' },
  // the unions a cooperative belongs to and its county office inspect it (检查指导); checked on the row in the service
  'Mutation.recordInspection': { roles: ['UNION', 'COUNTY'], scope: 'cooperative' },
  'Cooperative.inspections': { roles: ALLOCATION_READERS, scope: 'parent', otherwise: 'NULL' },
  // the county rates and may override with a reason; a rating is read by everyone scoped, a household its own cooperative's
  'Mutation.rateCounty': { roles: ['COUNTY'], scope: 'county' },
  'Mutation.overrideRating': { roles: ['COUNTY'], scope: 'county' },
  'Query.countyRatings': { roles: SCOPED_READERS, scope: 'county' },
  'Mutation.setRatingThresholds': { roles: ['COUNTY'], scope: 'county' },
  'Query.ratingThresholds': { roles: ['COUNTY', 'REGION', 'AUDITOR'], scope: 'county' },
  'Cooperative.rating': { roles: SCOPED_READERS, scope: 'parent', otherwise: 'NULL' },
  'Cooperative.ratings': { roles: SCOPED_READERS, scope: 'parent', otherwise: 'NULL' },
  // counted over the ratings the caller reads (lib/scope in the statement)
  'County.ratingCounts': { roles: SCOPED_READERS, scope: 'parent', otherwise: 'NULL' },
  // a union's evaluation of its members (考核评比): who reads the union, but its households
  'CooperativeUnion.ranking': { roles: ALLOCATION_READERS, scope: 'parent', otherwise: 'NULL' },
  // wholesale asks at write time whether a cooperative may borrow
  'Query._currentRatings': { roles: ['SERVICE'], scope: 'service' },
  // the county decides rectification and exit (整改/退出), checked on the row; everyone scoped reads a cooperative's, its households too
  'Mutation.openRectification': { roles: ['COUNTY'], scope: 'county' },
  'Mutation.closeRectification': { roles: ['COUNTY'], scope: 'county' },
  'Mutation.startExit': { roles: ['COUNTY'], scope: 'county' },
  'Mutation.runExitRecovery': { roles: ['COUNTY'], scope: 'county' },
  'Query.rectificationDeadlines': { roles: ALLOCATION_READERS, scope: 'county' },
  'Cooperative.rectification': { roles: SCOPED_READERS, scope: 'parent', otherwise: 'NULL' },
  'CooperativeUnion.auditTrail': { roles: [...AUDIT_READERS, 'UNION'], scope: 'parent' },
};
