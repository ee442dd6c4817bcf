import { CaseCategory, CaseLine, CasePriority } from './case.enums.js';

export interface ClassificationRule {
  name: string;
  /** Lower-case words or phrases; a match at the start of a word counts (so "refund" matches "refunded"). */
  keywords: readonly string[];
  category: CaseCategory;
  priority: CasePriority;
  line: CaseLine;
}

/**
 * Rules for cases opened without a category or priority, tried in order: the first rule with a
 * keyword in the subject or description wins. Safety first, then the costly categories.
 */
export const CLASSIFICATION_RULES: readonly ClassificationRule[] = [
  {
    name: 'safety',
    keywords: ['brake', 'accident', 'fire', 'smoke', 'airbag'],
    category: CaseCategory.TECHNICAL,
    priority: CasePriority.URGENT,
    line: CaseLine.SECOND,
  },
  {
    name: 'complaint',
    keywords: ['complaint', 'unacceptable', 'disappointed', 'still broken', 'again'],
    category: CaseCategory.COMPLAINT,
    priority: CasePriority.HIGH,
    line: CaseLine.FIRST,
  },
  { name: 'warranty', keywords: ['warranty', 'guarantee', 'defect'], category: CaseCategory.WARRANTY, priority: CasePriority.NORMAL, line: CaseLine.SECOND },
  {
    name: 'billing',
    keywords: ['invoice', 'payment', 'refund', 'charge', 'billing', 'instalment'],
    category: CaseCategory.BILLING,
    priority: CasePriority.NORMAL,
    line: CaseLine.FIRST,
  },
  {
    name: 'technical',
    keywords: ['not working', 'error', 'broken', 'engine', 'air conditioning', 'bluetooth', 'pair'],
    category: CaseCategory.TECHNICAL,
    priority: CasePriority.NORMAL,
    line: CaseLine.FIRST,
  },
];

export const DEFAULT_CLASSIFICATION = { category: CaseCategory.GENERAL, priority: CasePriority.NORMAL, line: CaseLine.FIRST };

export interface Classification {
  category: CaseCategory;
  priority: CasePriority;
  line: CaseLine;
  rule: string | null;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function classifyCase(text: string, rules: readonly ClassificationRule[] = CLASSIFICATION_RULES): Classification {
  const haystack = text.toLowerCase();
  const rule = rules.find((r) => r.keywords.some((k) => new RegExp(`(^|[^\\p{L}\\p{N}])${escape(k)}`, 'u').test(haystack)));
  return rule ? { category: rule.category, priority: rule.priority, line: rule.line, rule: rule.name } : { ...DEFAULT_CLASSIFICATION, rule: null };
}
