package main

import (
	"fmt"
	"go/ast"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

func (meth *method) param(in string, names ...string) *openapi3.Parameter {
	for _, p := range meth.params {
		if p.In == in && slices.Contains(names, p.Name) {
			return p
		}
	}
	return nil
}

func schemaIs(s *openapi3.Schema, typ string) bool {
	return s != nil && s.Type != nil && s.Type.Is(typ)
}

func prop(s *openapi3.Schema, names ...string) (string, *openapi3.Schema) {
	if s == nil {
		return "", nil
	}
	for _, n := range names {
		if p, ok := s.Properties[n]; ok && p != nil && p.Value != nil {
			return n, p.Value
		}
	}
	return "", nil
}

// buildIterator returns an iterator for list-shaped methods, or nil:
//   - cursor: a page_token query parameter, and a body with a data array and
//     next_page_token (the v1 convention; camelCase spellings accepted too);
//   - offset: an integer offset query parameter, and a body that is an array or has a data
//     array (the v2 style); it stops on an empty or short page, or when has_more is false.
func buildIterator(gc *goClient, clientImport string, meth *method, imports map[string]bool) (*iterator, error) {
	if meth.Result == "" || meth.paramsArg < 0 || meth.HTTPMethod != "GET" {
		return nil, nil
	}
	body := meth.resultSch
	tokenParam := meth.param("query", "page_token", "pageToken")
	offsetParam := meth.param("query", "offset")
	dataName, dataSch := prop(body, "data", "items")
	nextName, nextSch := prop(body, "next_page_token", "nextPageToken")
	var kind string
	switch {
	case tokenParam != nil && schemaIs(dataSch, "array") && schemaIs(nextSch, "string"):
		kind = "cursor"
	case offsetParam != nil && offsetParam.Schema != nil && schemaIs(offsetParam.Schema.Value, "integer") &&
		(schemaIs(dataSch, "array") || schemaIs(body, "array")):
		kind = "offset"
	default:
		return nil, nil
	}

	ps := gc.structOf(meth.paramsType)
	rs := gc.structOf(meth.resultType)
	if ps == nil {
		return nil, fmt.Errorf("params type of %s is not a struct", meth.ClientMethod)
	}
	paramsType, err := gc.typeRef(meth.paramsType, clientImport, imports)
	if err != nil {
		return nil, err
	}
	it := &iterator{Method: meth, Kind: kind, Args: meth.Args, ParamsType: paramsType, ParamsName: meth.Args[meth.paramsArg].Name}
	if meth.Name == "list" {
		it.GoName = "All"
	} else {
		it.GoName = meth.GoName + "All"
	}

	// Items.
	var itemsType ast.Expr
	if schemaIs(dataSch, "array") {
		if rs == nil {
			return nil, fmt.Errorf("result of %s is not a struct", meth.OpGoName)
		}
		name, ft, ok := fieldByTag(rs, dataName)
		if !ok {
			return nil, fmt.Errorf("result of %s has no field for %q", meth.OpGoName, dataName)
		}
		it.ItemsField, itemsType = name, ft
	} else {
		itemsType = meth.resultType
	}
	if st, ok := itemsType.(*ast.StarExpr); ok {
		it.ItemsPtr, itemsType = true, st.X
	}
	if !it.ItemsPtr && it.ItemsField == "" {
		return nil, fmt.Errorf("result of %s: unexpected array type", meth.OpGoName)
	}
	at, ok := gc.resolveAlias(itemsType).(*ast.ArrayType)
	if !ok || at.Len != nil {
		return nil, fmt.Errorf("items of %s are not a slice", meth.OpGoName)
	}
	if it.Item, err = gc.typeRef(at.Elt, clientImport, imports); err != nil {
		return nil, err
	}

	// pointerField finds an optional (pointer) parameter field and its element type.
	pointerField := func(st *ast.StructType, wire string) (string, string, error) {
		name, ft, ok := fieldByTag(st, wire)
		if !ok {
			return "", "", fmt.Errorf("no field for %q", wire)
		}
		sx, ok := ft.(*ast.StarExpr)
		if !ok {
			return "", "", fmt.Errorf("field %s is not optional", name)
		}
		t, err := gc.typeRef(sx.X, clientImport, imports)
		return name, t, err
	}
	args := make([]string, 0, len(meth.Args)+1)
	args = append(args, "ctx")
	for i, a := range meth.Args {
		if i == meth.paramsArg {
			args = append(args, "&p")
		} else {
			args = append(args, a.Name)
		}
	}
	it.CallArgs = strings.Join(args, ", ")

	switch kind {
	case "cursor":
		if it.TokenField, it.TokenType, err = pointerField(ps, tokenParam.Name); err != nil {
			return nil, fmt.Errorf("%sParams: %w", meth.OpGoName, err)
		}
		name, ft, ok := fieldByTag(rs, nextName)
		if !ok {
			return nil, fmt.Errorf("result of %s has no field for %q", meth.OpGoName, nextName)
		}
		it.NextField = name
		_, it.NextPtr = ft.(*ast.StarExpr)
		it.Doc = []string{
			fmt.Sprintf("%s iterates over every item %s returns, following %s from page to page", it.GoName, meth.GoName, nextName),
			fmt.Sprintf("(one request per page). params may be nil and is not modified; its %s is where the", tokenParam.Name),
			"walk starts. The first error is yielded with the zero item and ends the walk.",
		}
	case "offset":
		if it.OffsetField, it.OffsetType, err = pointerField(ps, offsetParam.Name); err != nil {
			return nil, fmt.Errorf("%sParams: %w", meth.OpGoName, err)
		}
		if lp := meth.param("query", "limit"); lp != nil {
			if it.LimitField, it.LimitType, err = pointerField(ps, lp.Name); err != nil {
				return nil, fmt.Errorf("%sParams: %w", meth.OpGoName, err)
			}
		}
		if hm, hmSch := prop(body, "has_more", "hasMore"); schemaIs(hmSch, "boolean") && rs != nil {
			if name, ft, ok := fieldByTag(rs, hm); ok {
				it.HasMoreField = name
				_, it.HasMorePtr = ft.(*ast.StarExpr)
			}
		}
		it.Doc = []string{
			fmt.Sprintf("%s iterates over every item %s returns, advancing %s by the size of each page", it.GoName, meth.GoName, offsetParam.Name),
			"(one request per page) until a page is empty or short" + map[bool]string{true: " or says there is no more", false: ""}[it.HasMoreField != ""] + ".",
			"params may be nil and is not modified. The first error is yielded with the zero item",
			"and ends the walk.",
		}
	}
	return it, nil
}
