/** The role CPI requires of a user who sends messages to an HTTPS endpoint. */
export const DEFAULT_SENDER_ROLE = 'ESBMessaging.send';
