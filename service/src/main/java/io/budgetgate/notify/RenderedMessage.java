package io.budgetgate.notify;

/**
 * A notification ready to send.
 *
 * @param subject email subject
 * @param text plain-text email body
 * @param html HTML email body
 * @param slackJson Slack incoming-webhook payload
 */
public record RenderedMessage(String subject, String text, String html, String slackJson) {}
