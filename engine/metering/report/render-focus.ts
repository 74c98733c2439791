import { isoHour, type HourlyCharge, type MeterReport } from '../rating/meter-report.ts';
import type { ResourceType } from '../sample.ts';
import { METRICS } from '../usage/usage-line.ts';
import { csvRow } from './csv-text.ts';

/** The FOCUS version the export follows. */
export const FOCUS_VERSION = '1.0';

/**
 * The columns written, in this order: FOCUS 1.0 columns (FinOps Open Cost and Usage
 * Specification) plus `x_`-prefixed custom columns, as the specification asks for columns it
 * does not define.
 */
export const FOCUS_COLUMNS = [
  'BilledCost',
  'EffectiveCost',
  'ListCost',
  'ContractedCost',
  'BillingCurrency',
  'BillingAccountId',
  'BillingAccountName',
  'BillingPeriodStart',
  'BillingPeriodEnd',
  'ChargePeriodStart',
  'ChargePeriodEnd',
  'ChargeCategory',
  'ChargeClass',
  'ChargeFrequency',
  'ChargeDescription',
  'ConsumedQuantity',
  'ConsumedUnit',
  'PricingQuantity',
  'PricingUnit',
  'ListUnitPrice',
  'ContractedUnitPrice',
  'SkuId',
  'SkuPriceId',
  'ServiceName',
  'ServiceCategory',
  'ResourceId',
  'ResourceName',
  'ResourceType',
  'RegionId',
  'RegionName',
  'SubAccountId',
  'SubAccountName',
  'Tags',
  'ProviderName',
  'PublisherName',
  'InvoiceIssuerName',
  'x_Workspace',
  'x_Tenant',
  'x_ServerState',
] as const;

/** The OpenStack service behind each resource type, with its FOCUS service category. */
const SERVICES: Readonly<Record<ResourceType, { readonly name: string; readonly category: string }>> = {
  server: { name: 'Compute (nova)', category: 'Compute' },
  volume: { name: 'Block Storage (cinder)', category: 'Storage' },
  snapshot: { name: 'Block Storage (cinder)', category: 'Storage' },
  floatingip: { name: 'Networking (neutron)', category: 'Networking' },
  router: { name: 'Networking (neutron)', category: 'Networking' },
  loadbalancer: { name: 'Load Balancing (octavia)', category: 'Networking' },
  image: { name: 'Image (glance)', category: 'Storage' },
};

/** What the user-facing tags of a row are: the tenant's own, plus keyform's owner as `keyform.*` keys. */
function tags(c: HourlyCharge): string {
  const all: Record<string, string> = { ...c.tags };
  if (c.workspace !== null) {
    all['keyform.workspace'] = c.workspace;
    all['keyform.tenant'] = c.tenant;
  }
  return JSON.stringify(Object.fromEntries(Object.keys(all).sort().map((k) => [k, all[k]!])));
}

function description(c: HourlyCharge, currency: string): string {
  const what = [METRICS[c.metric].label, c.qualifier, c.state].filter((x) => x !== null).join(', ');
  return c.unitPrice === null ? `${what}: not priced` : `${what} at ${c.unitPrice} ${currency} per ${c.unit}`;
}

/**
 * The report as a FOCUS 1.0 cost and usage CSV: one `Usage` row per resource, metric and
 * hour (ChargePeriodStart/End one hour apart), the billing period being the report's period.
 * BilledCost is the row's share of its stated line, so the rows add up to the statement's
 * grand total exactly. There are no discounts or commitments: EffectiveCost, ListCost and
 * ContractedCost equal BilledCost, and ContractedUnitPrice equals ListUnitPrice, the price
 * exactly as configured. The sub-account is the Keystone project; Tags hold the tenant's tags
 * with its workspace and tenant. The platform is the provider, publisher and invoice issuer.
 * The report must be built with hourly rows.
 */
export function renderFocus(r: MeterReport): string {
  if (!r.hourly) throw new Error('renderFocus needs a report built with hourly rows');
  const out = [csvRow(FOCUS_COLUMNS)];
  for (const c of r.hourly) {
    const quantity = String(c.quantity);
    const row: Record<(typeof FOCUS_COLUMNS)[number], string | null> = {
      BilledCost: c.amount,
      EffectiveCost: c.amount,
      ListCost: c.amount,
      ContractedCost: c.amount,
      BillingCurrency: r.currency,
      BillingAccountId: c.platform,
      BillingAccountName: c.platform,
      BillingPeriodStart: r.from,
      BillingPeriodEnd: r.to,
      ChargePeriodStart: isoHour(c.hourStart),
      ChargePeriodEnd: isoHour(c.hourStart + 3600),
      ChargeCategory: 'Usage',
      ChargeClass: null,
      ChargeFrequency: 'Usage-Based',
      ChargeDescription: description(c, r.currency),
      ConsumedQuantity: quantity,
      ConsumedUnit: c.unit,
      PricingQuantity: quantity,
      PricingUnit: c.unit,
      ListUnitPrice: c.unitPrice,
      ContractedUnitPrice: c.unitPrice,
      SkuId: c.metric,
      SkuPriceId: c.priceKey,
      ServiceName: SERVICES[c.resourceType].name,
      ServiceCategory: SERVICES[c.resourceType].category,
      ResourceId: c.resourceId,
      ResourceName: c.resourceName,
      ResourceType: c.resourceType,
      RegionId: c.region || null,
      RegionName: c.region || null,
      SubAccountId: c.projectId,
      SubAccountName: c.projectName,
      Tags: tags(c),
      ProviderName: c.platform,
      PublisherName: c.platform,
      InvoiceIssuerName: c.platform,
      x_Workspace: c.workspace,
      x_Tenant: c.tenant,
      x_ServerState: c.state,
    };
    out.push(csvRow(FOCUS_COLUMNS.map((k) => row[k])));
  }
  return out.join('');
}
