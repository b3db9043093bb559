package main

import (
	"fmt"
	"go/ast"
	"mime"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

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
