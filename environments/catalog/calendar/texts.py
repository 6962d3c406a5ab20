"""Text the seed draws from: meeting titles, task titles, comments and notes."""

from __future__ import annotations


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.strip().splitlines()]


MEETING_TITLES = {
    "Product": _lines(
        """
        Roadmap review
        Pricing workshop
        Discovery interview debrief
        Feature prioritisation
        Launch readiness check
        Metrics deep dive
        PRD review: offline mode
        """
    ),
    "Engineering": _lines(
        """
        Sprint planning
        Sprint retro
        Architecture review
        Incident postmortem
        On-call handover
        API design review
        Release go/no-go
        """
    ),
    "Design": _lines(
        """
        Usability test readout
        Design system sync
        Wireframe walkthrough
        Research planning
        """
    ),
    "Sales": _lines(
        """
        Customer call: Acme Corp
        Deal review: Globex
        Demo prep: Initech
        QBR: Umbrella Health
        Renewal strategy: Stark Logistics
        Territory planning
        """
    ),
    "Marketing": _lines(
        """
        Campaign kickoff
        Webinar dry run
        Brand refresh review
        SEO check-in
        """
    ),
    "Leadership": _lines(
        """
        Board deck review
        Leadership offsite planning
        Quarterly planning
        """
    ),
    "Finance": _lines(
        """
        Budget review Q2
        Forecast update
        Vendor contract review
        """
    ),
    "Operations": _lines(
        """
        Office move planning
        Vendor demo: Workspace360
        Tooling audit
        """
    ),
    "People": _lines(
        """
        Interview: Senior Backend Engineer
        Hiring debrief
        Onboarding session
        Performance review calibration
        """
    ),
}
CROSS_TITLES = _lines(
    """
    Coffee chat
    Lunch & learn: GraphQL
    Partner sync: Globex
    Security training
    Customer advisory board prep
    Analytics office hours
    """
)

TASK_TITLES = {
    "ATL": _lines(
        """
        Define relaunch success metrics
        Redesign onboarding flow
        Migrate push notifications to FCM v1
        Offline mode for saved items
        Dark mode colour tokens
        App Store screenshots
        Crash-free sessions above 99.5%
        Accessibility audit of checkout
        Deep links from email campaigns
        Rewrite settings screen in Compose
        SwiftUI profile page
        Beta tester recruitment
        Release notes for 5.0
        Performance budget for cold start
        In-app feedback widget
        Update privacy nutrition labels
        Regression test plan for 5.0
        Localise into German and Portuguese
        Analytics event naming clean-up
        Review TestFlight feedback
        """
    ),
    "BCN": _lines(
        """
        Dashboard wireframes
        Define KPI glossary
        Revenue by cohort chart
        CSV export
        Row-level permissions
        Slow query investigation
        Scheduled email reports
        User interviews with finance teams
        Date range picker
        Embed dashboards in admin portal
        Caching layer for aggregates
        Empty states copy
        Beta feedback survey
        """
    ),
    "CDR": _lines(
        """
        Map legacy invoice fields
        Choose billing provider
        Proration rules spec
        Data migration dry run
        Tax handling for EU customers
        Dunning email templates
        Reconcile February invoices
        Sign-off from auditors
        """
    ),
    "DUN": _lines(
        """
        New homepage hero
        Pricing page copy
        Migrate blog to new CMS
        Case study template
        Redirect map for old URLs
        Cookie banner update
        Core Web Vitals fixes
        Launch announcement
        """
    ),
    "EMB": _lines(
        """
        Partner onboarding checklist
        Sandbox accounts for partners
        Partner API keys rotation policy
        Co-marketing one-pager
        Partner portal login via SSO
        Revenue share agreement template
        Kickoff call with Globex
        Integration certification tests
        Partner support runbook
        Webinar for launch partners
        Partner tier definitions
        """
    ),
    "FJD": _lines(
        """
        Choose warehouse vendor
        Ingest events from Kafka
        dbt project skeleton
        PII masking policy
        Backfill 2025 orders
        Cost alerts for queries
        Data catalogue entries
        Access reviews
        Airflow to Dagster migration
        Freshness SLAs for core tables
        """
    ),
}
BLOCKED_REASONS = _lines(
    """
    Waiting on legal review
    Waiting for the vendor's API credentials
    Needs design sign-off
    Blocked by the staging outage
    Waiting on budget approval
    """
)
COMMENTS = _lines(
    """
    Started on this today.
    PR is up for review.
    Can we push this to next sprint?
    Spoke with the customer, they are happy with the plan.
    Added screenshots to the ticket.
    This depends on the API change landing first.
    Looks good to me.
    Updated the estimate.
    Pairing with Oliver on this tomorrow.
    Found an edge case with time zones, investigating.
    Docs updated.
    Moved the due date after the planning meeting.
    """
)
TASK_DESCRIPTIONS = [
    *_lines(
        """
    See the linked doc for context.
    Agreed in the last planning session.
    Needed before the beta goes out.
    Customer-reported; keep the customer posted.
    Small, but blocks other work.
    Scope to be confirmed with the owner.
    """
    ),
    "",
]
EVENT_NOTES = [
    *_lines(
        """
    Agenda in the shared doc.
    Please bring your numbers.
    Video link in the invite.
    Decisions will be written up afterwards.
    """
    ),
    "",
    "",
]
