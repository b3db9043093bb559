package server

import (
	"github.com/oapi-codegen/nullable"

	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store/people"
	"github.com/learnd/learnd/typeid"
)

func keyNullable[T any](v *T) nullable.Nullable[T] {
	if v == nil {
		return nullable.NewNullNullable[T]()
	}
	return nullable.NewNullableWithValue(*v)
}

func toAPIKeyScopes(s []string) []api.APIKeyScope {
	out := make([]api.APIKeyScope, len(s))
	for i, v := range s {
		out[i] = api.APIKeyScope(v)
	}
	return out
}

// toAPIKey is the v2 view of an API key, without its secret.
func toAPIKey(k *people.APIKey) api.APIKey {
	return api.APIKey{
		Id: typeid.Format(typeid.APIKey, k.ID), UserId: typeid.Format(typeid.Person, k.UserID),
		Name: k.Name, Hint: k.Hint, Scopes: toAPIKeyScopes(k.Scopes), AppId: keyNullable(k.AppID),
		ExpiresAt: keyNullable(k.ExpiresAt), CreatedAt: k.CreatedAt,
		LastUsedAt: keyNullable(k.LastUsedAt), RevokedAt: keyNullable(k.RevokedAt),
		ReadOnly: k.ReadOnly, Pseudonymise: k.Pseudonymise,
	}
}

// toAPIKeyCreated is a new key with its secret, shown once.
func toAPIKeyCreated(k *people.APIKey, secret string) api.APIKeyCreated {
	return api.APIKeyCreated{
		Id: typeid.Format(typeid.APIKey, k.ID), Name: k.Name, Key: secret, Hint: k.Hint,
		Scopes: toAPIKeyScopes(k.Scopes), AppId: keyNullable(k.AppID), ExpiresAt: keyNullable(k.ExpiresAt),
		CreatedAt: k.CreatedAt, ReadOnly: k.ReadOnly, Pseudonymise: k.Pseudonymise,
	}
}

// toModelNewKey reads a key create body.
func toModelNewKey(b *api.APIKeyCreate) people.NewAPIKey {
	in := people.NewAPIKey{Name: b.Name, AppID: b.AppId}
	if b.ReadOnly != nil {
		in.ReadOnly = *b.ReadOnly
	}
	if b.Pseudonymise != nil {
		in.Pseudonymise = *b.Pseudonymise
	}
	if b.Scopes != nil {
		for _, s := range *b.Scopes {
			in.Scopes = append(in.Scopes, string(s))
		}
	}
	if b.ExpiresAt != nil {
		e := b.ExpiresAt.UTC()
		in.ExpiresAt = &e
	}
	return in
}
