// Public surface of usage: the ledger, reports, budgets and quotas.
export { type LedgerEntry, recordUsage, writeLedgerEntry } from "./ledger";
export { type UsageGroup, type UsageWindow, usageReport } from "./report";
export { type Amount, type BudgetLimit, type BudgetScope, monthScopeId, type Reservation, reserveBudget, settleBudget } from "./budgets";
