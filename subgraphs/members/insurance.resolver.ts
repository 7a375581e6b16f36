import { Arg, Ctx as GqlCtx, Mutation, Resolver } from 'type-graphql';
import type { Ctx } from '../lib/context';
import { RecordInsurancePolicyInput, RecordShareholdingInput } from './insurance.inputs';
import { recordInsurancePolicy, recordShareholding } from './insurance.service';
import { InsurancePolicy, Shareholding } from './insurance.type';

@Resolver()
export class InsuranceResolver {
  @Mutation(() => InsurancePolicy, { description: 'Record an accident insurance policy of a member (登记意外伤害保险)' })
  recordInsurancePolicy(@Arg('input', () => RecordInsurancePolicyInput) input: RecordInsurancePolicyInput, @GqlCtx() ctx: Ctx): Promise<InsurancePolicy> {
    return recordInsurancePolicy(ctx, input);
  }

  @Mutation(() => Shareholding, { description: 'Record shares of a poor household in a farmer cooperative (登记扶贫合作社入股)' })
  recordShareholding(@Arg('input', () => RecordShareholdingInput) input: RecordShareholdingInput, @GqlCtx() ctx: Ctx): Promise<Shareholding> {
    return recordShareholding(ctx, input);
  }
}
