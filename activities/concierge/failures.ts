/** Non-retryable failure types the concierge activities throw and the workflow branches on (workflow-safe). */
export const FAILURE = {
  registrationRefused: 'RegistrationRefused',
  domainUnavailable: 'DomainUnavailable',
  nothingToRefund: 'NothingToRefund',
  siteMissing: 'SiteMissing',
} as const;
