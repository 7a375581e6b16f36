import 'reflect-metadata';
import { defineSubgraph, type SubgraphDefinition } from '../lib/subgraph';
import { UNION_ACCESS } from './access';
import { UNION_CODES } from './codes';
import { UNION_STEPS } from './grant.saga';
import { unionMigrations } from './migrations';
import { UNION_TABLES } from './union.entity';
import { unionSeedLayout } from './seed.layout';
import { unionReferences } from './union.reference';
import { CooperativeUnionResolver, CooperativeUnionsResolver, UnionMembershipResolver } from './union.resolver';
import { CooperativeRef, CountyRef } from './union.type';
import { AllocationResolver, CooperativeAllocationsResolver, UnionAllocationsResolver } from './allocation.resolver';
import { ALLOCATION_STEPS } from './allocation.service';
import { CooperativeInspectionsResolver, InspectionResolver } from './inspection.resolver';
import { CooperativeRatingsResolver, CountyRatingCountsResolver, RatingResolver, UnionRankingResolver } from './rating.resolver';
import { CooperativeRectificationResolver, RectificationResolver } from './rectification.resolver';
import { RECTIFICATION_STEPS } from './rectification.saga';
import { EXIT_STEPS } from './exit.saga';

/** The union subgraph (联合社): cooperative unions, their members and the allocations between them; inspections, ratings, rectification and exit. */
export const unionSubgraph: SubgraphDefinition = defineSubgraph({
  name: 'union',
  port: 4003,
  database: 'unions',
  access: UNION_ACCESS,
  codes: UNION_CODES,
  tables: UNION_TABLES,
  migrations: unionMigrations,
  resolvers: [CooperativeUnionResolver, UnionMembershipResolver, CooperativeUnionsResolver, AllocationResolver, UnionAllocationsResolver, CooperativeAllocationsResolver,
    InspectionResolver, CooperativeInspectionsResolver, RatingResolver, CooperativeRatingsResolver, UnionRankingResolver, CountyRatingCountsResolver, RectificationResolver, CooperativeRectificationResolver],
  orphanedTypes: [CooperativeRef, CountyRef],
  references: unionReferences,
  sagas: [...UNION_STEPS, ...ALLOCATION_STEPS, ...RECTIFICATION_STEPS, ...EXIT_STEPS],
  seed: unionSeedLayout,
});
