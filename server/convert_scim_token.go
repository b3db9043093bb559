package server

import (
	"github.com/oapi-codegen/nullable"

	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store/people"
	"github.com/learnd/learnd/typeid"
)

// toAPISCIMToken is the view of a SCIM token, without its secret.
func toAPISCIMToken(k *people.SCIMToken) api.SCIMToken {
	by := nullable.NewNullNullable[string]()
	if k.CreatedBy != nil {
		by = nullable.NewNullableWithValue(typeid.Format(typeid.Person, *k.CreatedBy))
	}
	return api.SCIMToken{Id: typeid.Format(typeid.SCIMToken, k.ID), Name: k.Name, Hint: k.Hint, CreatedAt: k.CreatedAt,
		CreatedBy: by, LastUsedAt: keyNullable(k.LastUsedAt), RevokedAt: keyNullable(k.RevokedAt)}
}

// toAPISCIMTokenCreated is a new SCIM token with its secret, shown once.
func toAPISCIMTokenCreated(k *people.SCIMToken, secret string) api.SCIMTokenCreated {
	return api.SCIMTokenCreated{Id: typeid.Format(typeid.SCIMToken, k.ID), Name: k.Name, Token: secret, Hint: k.Hint, CreatedAt: k.CreatedAt}
}
