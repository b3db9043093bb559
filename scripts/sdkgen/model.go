package main

import (
	"encoding/json"
	"fmt"
	"go/ast"
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

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
