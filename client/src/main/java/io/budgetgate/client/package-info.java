/**
 * The agent platform's client for BudgetGate reservations (DESIGN §11): {@link
 * io.budgetgate.client.BudgetGateClient#reserve} holds an estimate and hands out the LiteLLM key, the
 * {@link io.budgetgate.client.Reservation} settles or releases it, and every refusal is a typed
 * {@link io.budgetgate.client.BudgetGateException}.
 */
package io.budgetgate.client;
