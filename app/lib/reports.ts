// Names of the manager's reports, shared by the reports service and the page (the browser
// cannot import app/services/*.server modules: the compiler stubs them out).

/** The reports, in the order the page shows them. */
export const REPORTS = ['requests-by-day', 'turnaround', 'sla', 'acknowledgement', 'spend-by-pharmacy', 'savings'] as const;
export type ReportId = (typeof REPORTS)[number];

export const REPORT_TITLES: Record<ReportId, string> = {
  'requests-by-day': 'Requests per day by channel',
  turnaround: 'Median time from request to approval and to shipped',
  sla: 'SLA breaches',
  acknowledgement: 'Owner acknowledgement time',
  'spend-by-pharmacy': 'Spend by pharmacy',
  savings: 'Landed-cost savings versus the most expensive offer',
};

/** Request channels, as refill_requests.channel stores them. */
export const CHANNELS = ['web', 'sms', 'pims', 'api', 'phone', 'reminder'] as const;
