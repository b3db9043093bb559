package server

import (
	"context"

	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/typeid"
)

// webhookAdmin is the rule of every webhook operation: owners and admins, with the write
// scope for changes.
func webhookAdmin(ctx context.Context, write bool, what string) error {
	if err := needScope(ctx, write); err != nil {
		return err
	}
	return requireAdmin(ctx, what)
}

// ListWebhookEndpoints lists the tenant's webhook endpoints, oldest first.
func (s *Server) ListWebhookEndpoints(ctx context.Context, req api.ListWebhookEndpointsRequestObject) (api.ListWebhookEndpointsResponseObject, error) {
	if err := webhookAdmin(ctx, false, "listing webhook endpoints"); err != nil {
		return nil, err
	}
	const resource = "webhook_endpoints"
	after, err := v2PageCursor[store.TimeCursor](ctx, s, resource, req.Params.PageToken)
	if err != nil {
		return nil, err
	}
	page, err := s.webhooks.List(ctx, peopleLimit(req.Params.Limit), after)
	if err != nil {
		return nil, err
	}
	next, err := v2PageToken(ctx, s, resource, page.Next)
	if err != nil {
		return nil, err
	}
	data := make([]api.WebhookEndpoint, len(page.Items))
	for i := range page.Items {
		data[i] = toAPIWebhookEndpoint(&page.Items[i])
	}
	return api.ListWebhookEndpoints200JSONResponse{Data: data, NextPageToken: next, HasMore: next != nil}, nil
}

// CreateWebhookEndpoint registers an endpoint and returns its secret once.
func (s *Server) CreateWebhookEndpoint(ctx context.Context, req api.CreateWebhookEndpointRequestObject) (api.CreateWebhookEndpointResponseObject, error) {
	if err := webhookAdmin(ctx, true, "creating a webhook endpoint"); err != nil {
		return nil, err
	}
	if req.Body == nil {
		return nil, bodyRequired(ctx)
	}
	b := req.Body
	e, secret, err := s.webhooks.Create(ctx, toModelWebhookInput(&b.Url, b.Description, b.Events, b.Enabled))
	if err != nil {
		return nil, err
	}
	return api.CreateWebhookEndpoint201JSONResponse{Body: toAPIWebhookEndpointCreated(e, secret),
		Headers: api.CreateWebhookEndpoint201ResponseHeaders{CacheControl: ptr("no-store")}}, nil
}

// GetWebhookEndpoint returns one endpoint.
func (s *Server) GetWebhookEndpoint(ctx context.Context, req api.GetWebhookEndpointRequestObject) (api.GetWebhookEndpointResponseObject, error) {
	if err := webhookAdmin(ctx, false, "reading a webhook endpoint"); err != nil {
		return nil, err
	}
	id, err := pathID(ctx, typeid.Webhook, "endpointId", req.EndpointId)
	if err != nil {
		return nil, err
	}
	e, err := s.webhooks.Get(ctx, id)
	if err != nil {
		return nil, about(err, "webhook endpoint "+req.EndpointId)
	}
	return api.GetWebhookEndpoint200JSONResponse(toAPIWebhookEndpoint(e)), nil
}

// UpdateWebhookEndpoint changes an endpoint's URL, description, filter or state.
func (s *Server) UpdateWebhookEndpoint(ctx context.Context, req api.UpdateWebhookEndpointRequestObject) (api.UpdateWebhookEndpointResponseObject, error) {
	if err := webhookAdmin(ctx, true, "changing a webhook endpoint"); err != nil {
		return nil, err
	}
	id, err := pathID(ctx, typeid.Webhook, "endpointId", req.EndpointId)
	if err != nil {
		return nil, err
	}
	if req.Body == nil {
		return nil, bodyRequired(ctx)
	}
	b := req.Body
	e, err := s.webhooks.Update(ctx, id, toModelWebhookInput(b.Url, b.Description, b.Events, b.Enabled))
	if err != nil {
		return nil, about(err, "webhook endpoint "+req.EndpointId)
	}
	return api.UpdateWebhookEndpoint200JSONResponse(toAPIWebhookEndpoint(e)), nil
}

// DeleteWebhookEndpoint removes an endpoint with its deliveries and attempts log.
func (s *Server) DeleteWebhookEndpoint(ctx context.Context, req api.DeleteWebhookEndpointRequestObject) (api.DeleteWebhookEndpointResponseObject, error) {
	if err := webhookAdmin(ctx, true, "deleting a webhook endpoint"); err != nil {
		return nil, err
	}
	id, err := pathID(ctx, typeid.Webhook, "endpointId", req.EndpointId)
	if err != nil {
		return nil, err
	}
	if err := s.webhooks.Delete(ctx, id); err != nil {
		return nil, about(err, "webhook endpoint "+req.EndpointId)
	}
	return api.DeleteWebhookEndpoint204Response{}, nil
}
