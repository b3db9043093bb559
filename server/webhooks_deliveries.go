package server

import (
	"context"

	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/typeid"
)

// RotateWebhookSecret gives an endpoint a new secret, returned once; the old one keeps
// signing beside it for webhooks.RotationOverlap.
func (s *Server) RotateWebhookSecret(ctx context.Context, req api.RotateWebhookSecretRequestObject) (api.RotateWebhookSecretResponseObject, error) {
	if err := webhookAdmin(ctx, true, "rotating a webhook secret"); err != nil {
		return nil, err
	}
	id, err := pathID(ctx, typeid.Webhook, "endpointId", req.EndpointId)
	if err != nil {
		return nil, err
	}
	e, secret, err := s.webhooks.Rotate(ctx, id)
	if err != nil {
		return nil, about(err, "webhook endpoint "+req.EndpointId)
	}
	return api.RotateWebhookSecret200JSONResponse{Body: toAPIWebhookEndpointCreated(e, secret),
		Headers: api.RotateWebhookSecret200ResponseHeaders{CacheControl: ptr("no-store")}}, nil
}

// ListWebhookAttempts lists an endpoint's delivery attempts, newest first.
func (s *Server) ListWebhookAttempts(ctx context.Context, req api.ListWebhookAttemptsRequestObject) (api.ListWebhookAttemptsResponseObject, error) {
	if err := webhookAdmin(ctx, false, "reading webhook attempts"); err != nil {
		return nil, err
	}
	id, err := pathID(ctx, typeid.Webhook, "endpointId", req.EndpointId)
	if err != nil {
		return nil, err
	}
	resource := "webhook_attempts:" + req.EndpointId
	after, err := v2PageCursor[store.TimeCursor](ctx, s, resource, req.Params.PageToken)
	if err != nil {
		return nil, err
	}
	page, err := s.webhooks.Attempts(ctx, id, peopleLimit(req.Params.Limit), after)
	if err != nil {
		return nil, about(err, "webhook endpoint "+req.EndpointId)
	}
	next, err := v2PageToken(ctx, s, resource, page.Next)
	if err != nil {
		return nil, err
	}
	data := make([]api.WebhookAttempt, len(page.Items))
	for i := range page.Items {
		data[i] = toAPIWebhookAttempt(&page.Items[i])
	}
	return api.ListWebhookAttempts200JSONResponse{Data: data, NextPageToken: next, HasMore: next != nil}, nil
}

// RedeliverWebhookMessage sends a message that went to the endpoint again.
func (s *Server) RedeliverWebhookMessage(ctx context.Context, req api.RedeliverWebhookMessageRequestObject) (api.RedeliverWebhookMessageResponseObject, error) {
	if err := webhookAdmin(ctx, true, "redelivering a webhook message"); err != nil {
		return nil, err
	}
	id, err := pathID(ctx, typeid.Webhook, "endpointId", req.EndpointId)
	if err != nil {
		return nil, err
	}
	msg, err := pathID(ctx, typeid.Event, "messageId", req.MessageId)
	if err != nil {
		return nil, err
	}
	if _, err := s.webhooks.Redeliver(ctx, id, msg); err != nil {
		return nil, about(err, "webhook message "+req.MessageId+" of endpoint "+req.EndpointId)
	}
	return api.RedeliverWebhookMessage202Response{}, nil
}
