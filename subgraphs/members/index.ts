import 'reflect-metadata';
import { databaseUrl } from '../lib/config';
import { logger } from '../lib/logger';
import { exitIfPortInUse } from '../lib/ports';
import { startSubgraph, type SubgraphDefinition } from '../lib/subgraph';
import { ContributionEntity } from './contribution.entity';
import { ContributionResolver } from './contribution.resolver';
import { CooperativeEntity } from './cooperative.entity';
import { cooperativeReference } from './cooperative.reference';
import { CooperativeResolver } from './cooperative.resolver';
import { CountyEntity, TownshipEntity, VillageEntity } from './geography.entity';
import { CountyResolver, TownshipResolver, VillageResolver } from './geography.resolver';
import { countyById } from './geography.service';
import { parseId } from './shared';
import type { Ctx } from '../lib/context';
import { GuaranteeGroupEntity, GuaranteeGroupMemberEntity } from './guarantee.entity';
import { GuaranteeGroupResolver } from './guarantee.resolver';
import { InsurancePolicyEntity, ShareholdingEntity } from './insurance.entity';
import { InsuranceResolver } from './insurance.resolver';
import { InternalResolver } from './internal.resolver';
import { MemberEntity } from './member.entity';
import { memberReference } from './member.reference';
import { MemberResolver } from './member.resolver';
import { membersMigrations } from './migrations';

/** Owns the federation entities `Cooperative` and `Member`: geography, cooperatives, member households. */
export const membersSubgraph: SubgraphDefinition = {
  name: 'members',
  entities: [
    CountyEntity, TownshipEntity, VillageEntity, CooperativeEntity, MemberEntity, ContributionEntity,
    GuaranteeGroupEntity, GuaranteeGroupMemberEntity, InsurancePolicyEntity, ShareholdingEntity,
  ],
  migrations: membersMigrations,
  resolvers: [
    CountyResolver, TownshipResolver, VillageResolver, CooperativeResolver, MemberResolver, ContributionResolver,
    GuaranteeGroupResolver, InsuranceResolver, InternalResolver,
  ],
  orphanedTypes: [],
  references: () => ({
    Cooperative: cooperativeReference,
    Member: memberReference,
    County: { __resolveReference: (ref: { id: string }, ctx: Ctx) => countyById(ctx, parseId(ref.id)) },
  }),
};

export { reconcileContributions } from './contribution.service';

if (require.main === module) {
  process.env.SERVICE_NAME ??= 'members';
  const port = Number(process.env.PORT ?? 4001);
  startSubgraph(membersSubgraph, databaseUrl('members'), port)
    .then((running) => {
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        logger.info({ signal }, 'members subgraph stopping');
        running.stop().then(
          () => process.exit(0),
          (e) => {
            logger.error({ err: e }, 'members subgraph did not stop cleanly');
            process.exit(1);
          },
        );
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
    })
    .catch((e) => {
      exitIfPortInUse(e, port);
      logger.error({ err: e }, 'members subgraph failed to start');
      process.exit(1);
    });
}
