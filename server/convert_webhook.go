package server

import (
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store/webhooks"
	"github.com/learnd/learnd/typeid"
)

// toAPIWebhookEndpoint is the view of an endpoint, without its secret.
func toAPIWebhookEndpoint(e *webhooks.Endpoint) api.WebhookEndpoint {
	events := make([]api.WebhookEventType, len(e.Events))
	for i, ev := range e.Events {
		events[i] = api.WebhookEventType(ev)
	}
	return api.WebhookEndpoint{Id: typeid.Format(typeid.Webhook, e.ID), Url: e.URL, Description: e.Description, Events: events,
		Enabled: e.DisabledAt == nil, DisabledAt: keyNullable(e.DisabledAt), DisabledReason: keyNullable(e.DisabledReason),
		PreviousSecretExpiresAt: keyNullable(e.PreviousUntil), CreatedAt: e.CreatedAt, UpdatedAt: e.UpdatedAt}
}

// toAPIWebhookEndpointCreated is an endpoint with its secret, shown once.
func toAPIWebhookEndpointCreated(e *webhooks.Endpoint, secret string) api.WebhookEndpointCreated {
	v := toAPIWebhookEndpoint(e)
	return api.WebhookEndpointCreated{Id: v.Id, Url: v.Url, Description: v.Description, Events: v.Events, Enabled: v.Enabled,
		DisabledAt: v.DisabledAt, DisabledReason: v.DisabledReason, PreviousSecretExpiresAt: v.PreviousSecretExpiresAt,
		CreatedAt: v.CreatedAt, UpdatedAt: v.UpdatedAt, Secret: secret}
}

// toAPIWebhookAttempt is one try of a delivery.
func toAPIWebhookAttempt(a *webhooks.Attempt) api.WebhookAttempt {
	return api.WebhookAttempt{Id: typeid.Format(typeid.Attempt, a.ID), MessageId: typeid.Format(typeid.Event, a.MessageID),
		EventType: api.WebhookEventType(a.EventType), AttemptedAt: a.AttemptedAt, StatusCode: keyNullable(a.StatusCode),
		LatencyMs: a.LatencyMS, Error: keyNullable(a.Error), Succeeded: a.Succeeded}
}

// toModelWebhookInput is the domain input of a create or a patch.
func toModelWebhookInput(url, description *string, events *[]api.WebhookEventType, enabled *bool) webhooks.Input {
	in := webhooks.Input{URL: url, Description: description, Enabled: enabled}
	if events != nil {
		list := make([]string, len(*events))
		for i, e := range *events {
			list[i] = string(e)
		}
		in.Events = &list
	}
	return in
}
