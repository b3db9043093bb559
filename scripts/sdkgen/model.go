package main

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"mime"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// model is what the templates render.
type model struct {
	Title        string
	Version      string
	ClientImport string
	ClientPkg    string
	Groups       []*group
	Example      string // c.Learning.Cohorts.All, for the package doc; empty without iterators
}

type group struct {
	Name         string // x-sdk-group, as in the spec
	GoName       string // field of sdk.Client: Learning
	TypeName     string // LearningGroup
	File         string // learning.gen.go
	StdImports   []string
	OtherImports []string
	Resources    []*resource
}

type resource struct {
	Group     *group
	Name      string // x-sdk-resource
	GoName    string // Cohorts
	TypeName  string // LearningCohorts
	Methods   []*method
	Iterators []*iterator
}

type arg struct {
	Name string
	Type string
}

type method struct {
	Resource     *resource
	ClientPkg    string
	Name         string // x-sdk-method
	GoName       string // List
	Doc          []string
	Args         []arg
	ClientMethod string // ClientInterface method called: ListCohorts, UpdateCohortWithApplicationMergePatchPlusJSONBody
	OpGoName     string // ListCohorts (client.Parse<OpGoName>Response)
	OperationID  string
	HTTPMethod   string
	Path         string
	Result       string   // *client.CohortList; empty when no 2xx body
	ResultField  string   // JSON200
	AltFields    []string // other 2xx bodies of the same type (201 created vs 200 existing)

	op         *openapi3.Operation
	params     []*openapi3.Parameter
	argTypes   []ast.Expr // the types of Args
	paramsArg  int        // index into Args of the *Params argument, -1 if none
	paramsType ast.Expr   // <Op>Params
	resultType ast.Expr   // the type of ResultField (a pointer)
	resultSch  *openapi3.Schema
}

// iterator walks every page of a list method.
type iterator struct {
	Method     *method
	GoName     string // All
	Kind       string // cursor | offset
	Doc        []string
	Args       []arg
	CallArgs   string // arguments of the page call, with the params replaced by &p
	ParamsName string // name of the params argument
	ParamsType string // client.ListCohortsParams
	Item       string // client.Cohort
	ItemsField string // Data; empty when the body is the array itself
	ItemsPtr   bool   // the items field (or the body) is a pointer to a slice

	// cursor
	TokenField string // PageToken (a pointer field of the params)
	TokenType  string // client.PageToken
	NextField  string // NextPageToken
	NextPtr    bool

	// offset
	OffsetField  string
	OffsetType   string
	LimitField   string
	LimitType    string
	HasMoreField string
	HasMorePtr   bool
}

var methodOrder = []string{"list", "get", "create", "update", "replace", "delete", "restore"}

func methodRank(name string) int {
	if i := slices.Index(methodOrder, name); i >= 0 {
		return i
	}
	return len(methodOrder)
}

// locals are names the generated method bodies use; arguments are renamed around them.
var locals = map[string]bool{
	"ctx": true, "rs": true, "rsp": true, "res": true, "err": true, "p": true,
	"page": true, "item": true, "items": true, "yield": true, "zero": true, "tok": true,
	"offset": true, "n": true, "next": true, "client": true, "context": true, "iter": true,
	"io": true, "http": true, "time": true,
}

func extString(ext map[string]any, key string) (string, error) {
	v, ok := ext[key]
	if !ok {
		return "", fmt.Errorf("missing %s", key)
	}
	switch t := v.(type) {
	case string:
		if t == "" {
			return "", fmt.Errorf("empty %s", key)
		}
		return t, nil
	case json.RawMessage:
		var s string
		if err := json.Unmarshal(t, &s); err != nil || s == "" {
			return "", fmt.Errorf("%s is not a non-empty string", key)
		}
		return s, nil
	default:
		return "", fmt.Errorf("%s is a %T, not a string", key, v)
	}
}

func buildModel(doc *openapi3.T, gc *goClient, clientImport string) (*model, error) {
	if err := checkProblem(gc); err != nil {
		return nil, err
	}
	m := &model{ClientImport: clientImport, ClientPkg: gc.pkgName}
	if doc.Info != nil {
		m.Title, m.Version = doc.Info.Title, doc.Info.Version
	}
	groups := map[string]*group{}
	resources := map[string]*resource{}
	seen := map[string]string{}
	paths := doc.Paths.Map()
	for _, path := range sortedKeys(paths) {
		item := paths[path]
		ops := item.Operations()
		for _, verb := range sortedKeys(ops) {
			op := ops[verb]
			where := fmt.Sprintf("%s %s (%s)", verb, path, op.OperationID)
			if op.OperationID == "" {
				return nil, fmt.Errorf("%s: no operationId", where)
			}
			var gName, rName, mName string
			var err error
			if gName, err = extString(op.Extensions, "x-sdk-group"); err == nil {
				if rName, err = extString(op.Extensions, "x-sdk-resource"); err == nil {
					mName, err = extString(op.Extensions, "x-sdk-method")
				}
			}
			if err != nil {
				return nil, fmt.Errorf("%s: %w", where, err)
			}
			g := groups[gName]
			if g == nil {
				g = &group{Name: gName, GoName: exportedName(gName)}
				g.TypeName = g.GoName + "Group"
				g.File = fileName(gName) + ".gen.go"
				groups[gName] = g
			}
			rk := gName + "\x00" + rName
			r := resources[rk]
			if r == nil {
				r = &resource{Group: g, Name: rName, GoName: exportedName(rName)}
				r.TypeName = g.GoName + r.GoName
				resources[rk] = r
				g.Resources = append(g.Resources, r)
			}
			key := rk + "\x00" + mName
			if prev, dup := seen[key]; dup {
				return nil, fmt.Errorf("%s: x-sdk %s.%s.%s is also used by %s", where, gName, rName, mName, prev)
			}
			seen[key] = op.OperationID
			meth, err := buildMethod(gc, clientImport, r, mName, verb, path, item, op)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", where, err)
			}
			r.Methods = append(r.Methods, meth)
		}
	}

	for _, name := range sortedKeys(groups) {
		m.Groups = append(m.Groups, groups[name])
	}
	idents := map[string]string{}
	claim := func(id, what string) error {
		if prev, ok := idents[id]; ok {
			return fmt.Errorf("generated identifier %s of %s clashes with %s", id, what, prev)
		}
		idents[id] = what
		return nil
	}
	for _, id := range reservedIdents {
		idents[id] = "the SDK runtime"
	}
	files := map[string]bool{"client.gen.go": true, "errors.gen.go": true, "retry.gen.go": true}
	for _, g := range m.Groups {
		if files[g.File] {
			return nil, fmt.Errorf("group %q would be written to %s, which the SDK runtime uses", g.Name, g.File)
		}
		files[g.File] = true
		if err := claim(g.TypeName, "group "+g.Name); err != nil {
			return nil, err
		}
		slices.SortFunc(g.Resources, func(a, b *resource) int { return strings.Compare(a.GoName, b.GoName) })
		imports := map[string]bool{`"context"`: true, strconv.Quote(clientImport): true}
		for _, r := range g.Resources {
			if err := claim(r.TypeName, "resource "+g.Name+"."+r.Name); err != nil {
				return nil, err
			}
			slices.SortFunc(r.Methods, func(a, b *method) int {
				if d := methodRank(a.Name) - methodRank(b.Name); d != 0 {
					return d
				}
				return strings.Compare(a.GoName, b.GoName)
			})
			members := map[string]string{}
			for _, meth := range r.Methods {
				if prev, ok := members[meth.GoName]; ok {
					return nil, fmt.Errorf("%s.%s: methods %s and %s are both named %s", g.Name, r.Name, prev, meth.Name, meth.GoName)
				}
				members[meth.GoName] = meth.Name
			}
			for _, meth := range r.Methods {
				it, err := buildIterator(gc, clientImport, meth, imports)
				if err != nil {
					return nil, fmt.Errorf("%s: %w", meth.OperationID, err)
				}
				if it == nil {
					continue
				}
				if prev, ok := members[it.GoName]; ok {
					return nil, fmt.Errorf("%s.%s: iterator of %s is named %s, like %s", g.Name, r.Name, meth.Name, it.GoName, prev)
				}
				members[it.GoName] = meth.Name + " iterator"
				r.Iterators = append(r.Iterators, it)
				if m.Example == "" || it.GoName == "All" && !strings.HasSuffix(m.Example, ".All") {
					m.Example = "c." + g.GoName + "." + r.GoName + "." + it.GoName
				}
				imports[`"iter"`] = true
			}
			for _, meth := range r.Methods {
				for _, imp := range meth.imports(gc, clientImport) {
					imports[imp] = true
				}
			}
		}
		for _, imp := range sortedKeys(imports) {
			path := imp[strings.Index(imp, `"`)+1:]
			if strings.Contains(strings.Split(path, "/")[0], ".") {
				g.OtherImports = append(g.OtherImports, imp)
			} else {
				g.StdImports = append(g.StdImports, imp)
			}
		}
	}
	return m, nil
}

// checkProblem verifies the fields of the client's Problem type that errors.gen.go reads.
func checkProblem(gc *goClient) error {
	st := gc.structOf(&ast.Ident{Name: "Problem"})
	if st == nil {
		return fmt.Errorf("client has no Problem struct (the RFC 9457 problem schema)")
	}
	for field, want := range map[string]string{"Title": "string", "Detail": "*string", "Code": "*string", "RequestId": "*string"} {
		ft, ok := fieldByName(st, field)
		if !ok {
			return fmt.Errorf("client.Problem has no field %s", field)
		}
		if got, err := gc.typeRef(ft, "", map[string]bool{}); err != nil || got != want {
			return fmt.Errorf("client.Problem.%s is %s, want %s", field, got, want)
		}
	}
	return nil
}

// reservedIdents are the exported and unexported top-level names of the static SDK files.
var reservedIdents = []string{
	"Client", "New", "Option", "Error", "StatusCode", "IsNotFound", "IsConflict",
	"IsPreconditionFailed", "IsRateLimited", "WithToken", "WithHTTPClient", "WithMaxRetries",
	"WithMaxRetryWait", "WithUserAgent", "WithHeader", "WithRequestEditor",
	"DefaultUserAgent", "DefaultMaxRetries", "DefaultMaxRetryWait", "RetryTransport",
}

func (meth *method) imports(gc *goClient, clientImport string) []string {
	set := map[string]bool{}
	for _, t := range meth.argTypes {
		_, _ = gc.typeRef(t, clientImport, set)
	}
	if meth.resultType != nil {
		_, _ = gc.typeRef(meth.resultType, clientImport, set)
	}
	return sortedKeys(set)
}

func buildMethod(gc *goClient, clientImport string, r *resource, name, verb, path string, item *openapi3.PathItem, op *openapi3.Operation) (*method, error) {
	opGo := oapiCamel(op.OperationID)
	meth := &method{
		Resource:    r,
		ClientPkg:   gc.pkgName,
		Name:        name,
		GoName:      exportedName(name),
		OpGoName:    opGo,
		OperationID: op.OperationID,
		HTTPMethod:  verb,
		Path:        path,
		op:          op,
		paramsArg:   -1,
	}
	for _, refs := range []openapi3.Parameters{item.Parameters, op.Parameters} {
		for _, p := range refs {
			if p != nil && p.Value != nil {
				meth.params = append(meth.params, p.Value)
			}
		}
	}
	if !gc.funcs["Parse"+opGo+"Response"] {
		return nil, fmt.Errorf("client has no Parse%sResponse (operationId %q → %s)", opGo, op.OperationID, opGo)
	}

	// Which client method: the plain one, or the variant for the preferred body media type.
	clientMethod, err := pickClientMethod(gc, opGo, verb, op)
	if err != nil {
		return nil, err
	}
	meth.ClientMethod = clientMethod
	args, err := gc.args(clientMethod)
	if err != nil {
		return nil, err
	}
	used := map[string]bool{}
	for i, a := range args {
		t := a.Type
		if st, ok := a.Type.(*ast.StarExpr); ok {
			if id, ok := st.X.(*ast.Ident); ok && id.Name == opGo+"Params" {
				meth.paramsArg = i
				meth.paramsType = st.X
			}
		}
		if id, ok := a.Type.(*ast.Ident); ok && strings.HasSuffix(id.Name, "RequestBody") {
			// Show the body's own type (client.CohortPatch), not oapi-codegen's alias for it.
			t = gc.resolveAlias(a.Type)
		}
		ts, err := gc.typeRef(t, clientImport, map[string]bool{})
		if err != nil {
			return nil, fmt.Errorf("argument %s of client.%s: %w", a.Name, clientMethod, err)
		}
		n := a.Name
		for locals[n] || used[n] {
			n += "Arg"
		}
		used[n] = true
		meth.Args = append(meth.Args, arg{Name: n, Type: ts})
		meth.argTypes = append(meth.argTypes, t)
	}

	// The result: the JSON body of the first 2xx response that has one.
	if code, sch, ok := successJSON(op); ok {
		rt, ok := gc.types[opGo+"Response"]
		if !ok {
			return nil, fmt.Errorf("client has no type %sResponse", opGo)
		}
		st, ok := rt.Type.(*ast.StructType)
		if !ok {
			return nil, fmt.Errorf("client type %sResponse is not a struct", opGo)
		}
		field := "JSON" + code
		ft, ok := fieldByName(st, field)
		if !ok {
			// A JSON media type other than application/json: the field is named after it.
			for _, f := range st.Fields.List {
				for _, n := range f.Names {
					if !ok && strings.HasSuffix(n.Name, code) && !strings.HasPrefix(n.Name, "Headers") {
						field, ft, ok = n.Name, f.Type, true
					}
				}
			}
		}
		if !ok {
			return nil, fmt.Errorf("client type %sResponse has no field for the %s JSON body", opGo, code)
		}
		res, err := gc.typeRef(ft, clientImport, map[string]bool{})
		if err != nil {
			return nil, fmt.Errorf("%sResponse.%s: %w", opGo, field, err)
		}
		if !strings.HasPrefix(res, "*") {
			return nil, fmt.Errorf("%sResponse.%s is not a pointer", opGo, field)
		}
		meth.Result, meth.ResultField, meth.resultType, meth.resultSch = res, field, ft, sch
		// Further 2xx codes whose body has the same Go type: whichever is set is the result.
		for _, f := range st.Fields.List {
			for _, n := range f.Names {
				if n.Name == field || !strings.HasPrefix(n.Name, "JSON2") {
					continue
				}
				if alt, err := gc.typeRef(f.Type, clientImport, map[string]bool{}); err == nil && alt == res {
					meth.AltFields = append(meth.AltFields, n.Name)
				}
			}
		}
	}

	meth.Doc = docLines(meth.GoName, op, verb, path)
	return meth, nil
}

// pickClientMethod chooses the client method for an operation. With a request body,
// PATCH prefers application/merge-patch+json, then application/json, other JSON types,
// forms, multipart and text; anything else goes through <Op>WithBody(contentType, body).
func pickClientMethod(gc *goClient, opGo, verb string, op *openapi3.Operation) (string, error) {
	if op.RequestBody == nil || op.RequestBody.Value == nil || len(op.RequestBody.Value.Content) == 0 {
		if _, ok := gc.methods[opGo]; !ok {
			return "", fmt.Errorf("client has no method %s", opGo)
		}
		return opGo, nil
	}
	rank := func(ct string) int {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil {
			mt = ct
		}
		switch {
		case mt == "application/merge-patch+json" && verb == "PATCH":
			return 0
		case mt == "application/json":
			return 1
		case strings.HasSuffix(mt, "+json"):
			return 2
		case mt == "application/x-www-form-urlencoded":
			return 3
		case strings.HasPrefix(mt, "multipart/"):
			return 4
		case mt == "text/plain":
			return 5
		}
		return 6
	}
	cts := sortedKeys(op.RequestBody.Value.Content)
	slices.SortStableFunc(cts, func(a, b string) int { return rank(a) - rank(b) })
	for _, ct := range cts {
		var name string
		switch r := rank(ct); {
		case r == 1:
			name = opGo
		case r == 3:
			name = opGo + "WithFormdataBody"
		case r == 4:
			name = opGo + "WithMultipartBody"
		case r == 5:
			name = opGo + "WithTextBody"
		case r <= 2:
			// oapi-codegen names other JSON variants after the media type:
			// application/merge-patch+json → WithApplicationMergePatchPlusJSONBody.
			want := squash(strings.NewReplacer("+", "plus", "*", "wildcard").Replace(ct))
			for _, mname := range sortedKeys(gc.methods) {
				tag, ok := strings.CutPrefix(mname, opGo+"With")
				if !ok {
					continue
				}
				if tag, ok = strings.CutSuffix(tag, "Body"); ok && squash(tag) == want {
					name = mname
				}
			}
		}
		if name == "" {
			continue
		}
		if ft, ok := gc.methods[name]; ok && len(ft.Params.List) > 2 {
			return name, nil
		}
	}
	if _, ok := gc.methods[opGo+"WithBody"]; ok {
		return opGo + "WithBody", nil
	}
	return "", fmt.Errorf("client has no method for the request body of %s", opGo)
}

func squash(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func isJSON(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}

// successJSON finds the first 2xx response with a JSON body, preferring application/json.
func successJSON(op *openapi3.Operation) (string, *openapi3.Schema, bool) {
	if op.Responses == nil {
		return "", nil, false
	}
	rs := op.Responses.Map()
	for _, code := range sortedKeys(rs) {
		if !strings.HasPrefix(code, "2") || rs[code] == nil || rs[code].Value == nil {
			continue
		}
		content := rs[code].Value.Content
		cts := sortedKeys(content)
		slices.SortStableFunc(cts, func(a, b string) int {
			return boolRank(a != "application/json") - boolRank(b != "application/json")
		})
		for _, ct := range cts {
			if isJSON(ct) {
				var sch *openapi3.Schema
				if mt := content[ct]; mt != nil && mt.Schema != nil {
					sch = mt.Schema.Value
				}
				return code, sch, true
			}
		}
	}
	return "", nil, false
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

func docLines(goName string, op *openapi3.Operation, verb, path string) []string {
	var lines []string
	summary := strings.TrimSpace(op.Summary)
	if summary == "" {
		summary = "calls " + op.OperationID + "."
	} else if !strings.HasSuffix(summary, ".") {
		summary += "."
	}
	lines = append(lines, goName+" — "+summary)
	if d := strings.TrimSpace(op.Description); d != "" {
		lines = append(lines, "")
		for _, l := range strings.Split(d, "\n") {
			lines = append(lines, strings.TrimRight(l, " \t"))
		}
	}
	lines = append(lines, "", fmt.Sprintf("%s %s (operation %s).", verb, path, op.OperationID))
	return lines
}

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

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
