package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"strconv"
	"strings"
)

// goClient is an index of the oapi-codegen client source (gen/client/client.gen.go). The
// spec decides which operations exist and how they are grouped; the client source decides
// the Go spelling of everything the facade calls and returns, so the facade always
// compiles against the client it wraps, whatever naming rules oapi-codegen applies.
type goClient struct {
	pkgName string                   // package name of the client ("client")
	types   map[string]*ast.TypeSpec // top-level type declarations
	funcs   map[string]bool          // top-level functions
	methods map[string]*ast.FuncType // ClientInterface methods (they return *http.Response)
	imports map[string]string        // local name -> import path, as the client imports them
}

func loadGoClient(path string) (*goClient, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
	if err != nil {
		return nil, fmt.Errorf("parse client: %w", err)
	}
	c := &goClient{
		pkgName: f.Name.Name,
		types:   map[string]*ast.TypeSpec{},
		funcs:   map[string]bool{},
		methods: map[string]*ast.FuncType{},
		imports: map[string]string{},
	}
	for _, imp := range f.Imports {
		p, _ := strconv.Unquote(imp.Path.Value)
		name := p[strings.LastIndex(p, "/")+1:]
		if imp.Name != nil {
			name = imp.Name.Name
		}
		c.imports[name] = p
	}
	for _, decl := range f.Decls {
		switch d := decl.(type) {
		case *ast.GenDecl:
			for _, s := range d.Specs {
				if ts, ok := s.(*ast.TypeSpec); ok {
					c.types[ts.Name.Name] = ts
				}
			}
		case *ast.FuncDecl:
			if d.Recv == nil {
				c.funcs[d.Name.Name] = true
			}
		}
	}
	iface, ok := c.types["ClientInterface"]
	if !ok {
		return nil, fmt.Errorf("client %s declares no ClientInterface", path)
	}
	it, ok := iface.Type.(*ast.InterfaceType)
	if !ok {
		return nil, fmt.Errorf("client %s: ClientInterface is not an interface", path)
	}
	for _, m := range it.Methods.List {
		if ft, ok := m.Type.(*ast.FuncType); ok && len(m.Names) == 1 {
			c.methods[m.Names[0].Name] = ft
		}
	}
	return c, nil
}

// goArg is one parameter of a client method.
type goArg struct {
	Name string
	Type ast.Expr
}

// args lists the parameters of a ClientInterface method, without the leading
// context.Context and the trailing ...RequestEditorFn.
func (c *goClient) args(method string) ([]goArg, error) {
	ft, ok := c.methods[method]
	if !ok {
		return nil, fmt.Errorf("client has no method %s", method)
	}
	var out []goArg
	for _, f := range ft.Params.List {
		for _, n := range f.Names {
			out = append(out, goArg{Name: n.Name, Type: f.Type})
		}
	}
	if len(out) < 2 {
		return nil, fmt.Errorf("client method %s: unexpected signature", method)
	}
	if _, ok := out[len(out)-1].Type.(*ast.Ellipsis); !ok {
		return nil, fmt.Errorf("client method %s: last parameter is not ...RequestEditorFn", method)
	}
	return out[1 : len(out)-1], nil
}

// resolveAlias follows `type A = B` declarations of the client package to the named type
// at the end (used to show users client.CohortPatch rather than
// client.UpdateCohortApplicationMergePatchPlusJSONRequestBody).
func (c *goClient) resolveAlias(e ast.Expr) ast.Expr {
	for range 10 {
		id, ok := e.(*ast.Ident)
		if !ok {
			return e
		}
		ts, ok := c.types[id.Name]
		if !ok || !ts.Assign.IsValid() {
			return e
		}
		e = ts.Type
	}
	return e
}

// structOf returns the struct a type expression denotes, following pointers, aliases and
// defined types of the client package.
func (c *goClient) structOf(e ast.Expr) *ast.StructType {
	for range 20 {
		switch t := e.(type) {
		case *ast.StarExpr:
			e = t.X
		case *ast.StructType:
			return t
		case *ast.Ident:
			ts, ok := c.types[t.Name]
			if !ok {
				return nil
			}
			e = ts.Type
		default:
			return nil
		}
	}
	return nil
}

// fieldByName finds a field of a struct by its Go name.
func fieldByName(st *ast.StructType, name string) (ast.Expr, bool) {
	for _, f := range st.Fields.List {
		for _, n := range f.Names {
			if n.Name == name {
				return f.Type, true
			}
		}
	}
	return nil, false
}

// fieldByTag finds a field of a struct whose json (or form) tag carries the given name.
func fieldByTag(st *ast.StructType, wire string) (string, ast.Expr, bool) {
	for _, f := range st.Fields.List {
		if f.Tag == nil || len(f.Names) != 1 {
			continue
		}
		raw, err := strconv.Unquote(f.Tag.Value)
		if err != nil {
			continue
		}
		tag := reflect.StructTag(raw)
		for _, key := range []string{"json", "form"} {
			if v, ok := tag.Lookup(key); ok && strings.Split(v, ",")[0] == wire {
				return f.Names[0].Name, f.Type, true
			}
		}
	}
	return "", nil, false
}

var predeclared = map[string]bool{
	"any": true, "bool": true, "byte": true, "complex128": true, "complex64": true,
	"error": true, "float32": true, "float64": true, "int": true, "int16": true,
	"int32": true, "int64": true, "int8": true, "rune": true, "string": true,
	"uint": true, "uint16": true, "uint32": true, "uint64": true, "uint8": true,
	"uintptr": true,
}

// typeRef renders a type expression of the client package as seen from package sdk:
// client types are qualified (client.Cohort) and the import paths the expression needs
// are added to imports (as `name "path"` lines).
func (c *goClient) typeRef(e ast.Expr, clientImport string, imports map[string]bool) (string, error) {
	var b strings.Builder
	var walk func(e ast.Expr) error
	walk = func(e ast.Expr) error {
		switch t := e.(type) {
		case *ast.Ident:
			switch {
			case predeclared[t.Name]:
				b.WriteString(t.Name)
			case c.types[t.Name] != nil:
				imports[strconv.Quote(clientImport)] = true
				b.WriteString(c.pkgName + "." + t.Name)
			default:
				return fmt.Errorf("unknown identifier %s", t.Name)
			}
		case *ast.StarExpr:
			b.WriteString("*")
			return walk(t.X)
		case *ast.ArrayType:
			if t.Len != nil {
				lit, ok := t.Len.(*ast.BasicLit)
				if !ok {
					return fmt.Errorf("unsupported array length")
				}
				b.WriteString("[" + lit.Value + "]")
			} else {
				b.WriteString("[]")
			}
			return walk(t.Elt)
		case *ast.MapType:
			b.WriteString("map[")
			if err := walk(t.Key); err != nil {
				return err
			}
			b.WriteString("]")
			return walk(t.Value)
		case *ast.SelectorExpr:
			x, ok := t.X.(*ast.Ident)
			if !ok {
				return fmt.Errorf("unsupported selector")
			}
			p, ok := c.imports[x.Name]
			if !ok {
				return fmt.Errorf("unknown package %s", x.Name)
			}
			if p[strings.LastIndex(p, "/")+1:] == x.Name {
				imports[strconv.Quote(p)] = true
			} else {
				imports[x.Name+" "+strconv.Quote(p)] = true
			}
			b.WriteString(x.Name + "." + t.Sel.Name)
		case *ast.IndexExpr:
			if err := walk(t.X); err != nil {
				return err
			}
			b.WriteString("[")
			if err := walk(t.Index); err != nil {
				return err
			}
			b.WriteString("]")
		case *ast.IndexListExpr:
			if err := walk(t.X); err != nil {
				return err
			}
			b.WriteString("[")
			for i, ix := range t.Indices {
				if i > 0 {
					b.WriteString(", ")
				}
				if err := walk(ix); err != nil {
					return err
				}
			}
			b.WriteString("]")
		case *ast.InterfaceType:
			if len(t.Methods.List) > 0 {
				return fmt.Errorf("unsupported interface type with methods")
			}
			b.WriteString("interface{}")
		case *ast.StructType:
			b.WriteString("struct {\n")
			for _, f := range t.Fields.List {
				var names []string
				for _, n := range f.Names {
					names = append(names, n.Name)
				}
				if len(names) > 0 {
					b.WriteString(strings.Join(names, ", ") + " ")
				}
				if err := walk(f.Type); err != nil {
					return err
				}
				if f.Tag != nil {
					b.WriteString(" " + f.Tag.Value)
				}
				b.WriteString("\n")
			}
			b.WriteString("}")
		default:
			return fmt.Errorf("unsupported type expression %T", e)
		}
		return nil
	}
	if err := walk(e); err != nil {
		return "", err
	}
	return b.String(), nil
}
