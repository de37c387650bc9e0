#!/usr/bin/env python3
"""A stand-in for jextract: reads a jextract argfile, parses the C header with libclang and writes Java FFM
bindings in jextract's layout and naming (one header class per library, one holder class per function, struct
classes with field accessors).

The one intentional difference from jextract: the header class's SYMBOL_LOOKUP is lazy and delegates to
dev.jdnn.bindings.loader.NativeLibraries, so referencing a constant never loads a library, and each generated
function first calls requireLibrary() so that a missing library fails on first call with our clear message
(instead of an ExceptionInInitializerError from a holder class).

Usage:
  jextract.py @native-bindings/jextract/cudnn.args --output DIR [--include-dir DIR ...]
  jextract.py --list-enum-constants HEADER TYPE... [--include-dir DIR ...]   (helper for writing argfiles)

Output is deterministic: declarations are emitted in the order they are listed in the argfile, with no timestamps.
"""
import glob
import hashlib
import os
import re
import shlex
import subprocess
import sys

import clang.cindex as ci

# The library name given with -l, mapped to our discovery's enum constant.
LIBRARIES = {
    "cudart": "CUDART",
    "cuda": "CUDA_DRIVER",
    "cudnn": "CUDNN",
    "cublas": "CUBLAS",
    "nvrtc": "NVRTC",
}

JAVA_KEYWORDS = set("""abstract assert boolean break byte case catch char class const continue default do double else
enum extends final finally float for goto if implements import instanceof int interface long native new package private
protected public return short static strictfp super switch synchronized this throw throws transient try void volatile
while true false null var record yield""".split())

# Canonical C type kind -> (layout constant in the header class, Java carrier type, ValueLayout class).
PRIMITIVES = {
    ci.TypeKind.BOOL: ("C_BOOL", "boolean", "OfBoolean"),
    ci.TypeKind.CHAR_S: ("C_CHAR", "byte", "OfByte"),
    ci.TypeKind.SCHAR: ("C_CHAR", "byte", "OfByte"),
    ci.TypeKind.UCHAR: ("C_CHAR", "byte", "OfByte"),
    ci.TypeKind.SHORT: ("C_SHORT", "short", "OfShort"),
    ci.TypeKind.USHORT: ("C_SHORT", "short", "OfShort"),
    ci.TypeKind.INT: ("C_INT", "int", "OfInt"),
    ci.TypeKind.UINT: ("C_INT", "int", "OfInt"),
    ci.TypeKind.ENUM: ("C_INT", "int", "OfInt"),
    ci.TypeKind.LONG: ("C_LONG", "long", "OfLong"),
    ci.TypeKind.ULONG: ("C_LONG", "long", "OfLong"),
    ci.TypeKind.LONGLONG: ("C_LONG_LONG", "long", "OfLong"),
    ci.TypeKind.ULONGLONG: ("C_LONG_LONG", "long", "OfLong"),
    ci.TypeKind.FLOAT: ("C_FLOAT", "float", "OfFloat"),
    ci.TypeKind.DOUBLE: ("C_DOUBLE", "double", "OfDouble"),
    ci.TypeKind.POINTER: ("C_POINTER", "MemorySegment", "AddressLayout"),
}


# ---------------------------------------------------------------------------------------------------------------
# Command line and argfile
# ---------------------------------------------------------------------------------------------------------------

class Options:
    def __init__(self):
        self.package = None
        self.header_class = None
        self.library = None
        self.headers = []
        self.include_dirs = []
        self.defines = []
        self.functions = []
        self.constants = []
        self.structs = []
        self.typedefs = []
        self.output = None


def read_argfile(path):
    """jextract argfiles are whitespace-separated tokens (quotes allowed)."""
    with open(path, encoding="utf-8") as f:
        return shlex.split(f.read(), comments=False)


def expand_argfiles(argv):
    tokens = []
    for arg in argv:
        tokens.extend(read_argfile(arg[1:]) if arg.startswith("@") else [arg])
    return tokens


def parse_options(argv):
    opts = Options()
    tokens = expand_argfiles(argv)
    takes_value = {
        "--target-package": "package", "-t": "package",
        "--header-class-name": "header_class",
        "-l": "library", "--library": "library",
        "--output": "output",
    }
    lists = {
        "--include-function": "functions", "--include-constant": "constants",
        "--include-struct": "structs", "--include-typedef": "typedefs",
        "-I": "include_dirs", "--include-dir": "include_dirs", "-D": "defines",
    }
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok in takes_value:
            setattr(opts, takes_value[tok], tokens[i + 1])
            i += 2
        elif tok in lists:
            getattr(opts, lists[tok]).append(tokens[i + 1])
            i += 2
        elif tok.startswith("-I") and len(tok) > 2:
            opts.include_dirs.append(tok[2:])
            i += 1
        elif tok.startswith("-"):
            sys.exit(f"jextract.py: unsupported option {tok}")
        else:
            opts.headers.append(tok)
            i += 1
    for name in ("package", "header_class", "library", "output"):
        if getattr(opts, name) is None:
            sys.exit(f"jextract.py: missing required option for {name}")
    for name in ("functions", "constants", "structs", "typedefs"):
        setattr(opts, name, list(dict.fromkeys(getattr(opts, name))))  # drop repeats, keep the argfile's order
    if opts.library not in LIBRARIES:
        sys.exit(f"jextract.py: unknown library -l {opts.library}; known: {sorted(LIBRARIES)}")
    return opts


# ---------------------------------------------------------------------------------------------------------------
# Header discovery and parsing
# ---------------------------------------------------------------------------------------------------------------

def default_include_dirs():
    """CUDA_HOME, then /usr/local/cuda*/include, then pip-installed NVIDIA wheels (site-packages/nvidia/*/include)."""
    dirs = []
    for env in ("CUDA_HOME", "CUDA_PATH"):
        if os.environ.get(env):
            dirs.append(os.path.join(os.environ[env], "include"))
    dirs.extend(sorted(glob.glob("/usr/local/cuda*/include"), reverse=True))
    site_dirs = sorted(set(glob.glob(os.path.expanduser("~/.local/lib/python3*/site-packages"))
                           + glob.glob("/usr/local/lib/python3*/dist-packages")
                           + glob.glob("/usr/lib/python3*/site-packages")))
    for site in site_dirs:
        dirs.extend(sorted(glob.glob(os.path.join(site, "nvidia", "*", "include"))))
    return [d for d in dirs if os.path.isdir(d)]


def resolve_header(name, include_dirs):
    """A header given as <name.h> is looked up in the include dirs, like jextract does."""
    if name.startswith("<") and name.endswith(">"):
        bare = name[1:-1]
        for d in include_dirs:
            candidate = os.path.join(d, bare)
            if os.path.isfile(candidate):
                return candidate
        sys.exit(f"jextract.py: header {bare} not found in {include_dirs}")
    return name


def compiler_include_dir():
    """libclang's pip wheel has no builtin headers (stddef.h...): borrow the system C compiler's."""
    for cc in ("cc", "gcc", "clang"):
        try:
            out = subprocess.run([cc, "-print-file-name=include"], capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            continue
        path = out.stdout.strip()
        if out.returncode == 0 and os.path.isdir(path):
            return path
    return None


def parse_header(header, include_dirs, defines):
    args = ["-x", "c", "-std=c11"] + ["-I" + d for d in include_dirs] + ["-D" + d for d in defines]
    builtin = compiler_include_dir()
    if builtin:
        args += ["-isystem", builtin]
    tu = ci.Index.create().parse(header, args=args, options=ci.TranslationUnit.PARSE_DETAILED_PROCESSING_RECORD
                                 | ci.TranslationUnit.PARSE_SKIP_FUNCTION_BODIES)
    errors = [d for d in tu.diagnostics if d.severity >= ci.Diagnostic.Error]
    if errors:
        sys.exit("jextract.py: errors parsing " + header + ":\n" + "\n".join(str(e) for e in errors))
    return tu


class Declarations:
    """Everything in the translation unit that the argfile can name, by name."""

    def __init__(self, tu):
        self.functions = {}
        self.enum_constants = {}
        self.macros = {}
        self.structs = {}
        self.typedefs = {}
        self.enums = {}
        self._collect(tu.cursor)

    def _collect(self, root):
        for c in root.get_children():
            kind = c.kind
            if kind == ci.CursorKind.FUNCTION_DECL:
                self.functions.setdefault(c.spelling, c)
            elif kind == ci.CursorKind.ENUM_DECL:
                if c.spelling:
                    self.enums.setdefault(c.spelling, c)
                for e in c.get_children():
                    if e.kind == ci.CursorKind.ENUM_CONSTANT_DECL:
                        self.enum_constants.setdefault(e.spelling, e)
            elif kind == ci.CursorKind.STRUCT_DECL and c.is_definition():
                self.structs[c.spelling] = c
            elif kind == ci.CursorKind.TYPEDEF_DECL:
                self.typedefs.setdefault(c.spelling, c)
                under = c.underlying_typedef_type.get_canonical()
                if under.kind == ci.TypeKind.ENUM:
                    self.enums.setdefault(c.spelling, under.get_declaration())
            elif kind == ci.CursorKind.MACRO_DEFINITION:
                tokens = [t.spelling for t in c.get_tokens()][1:]
                self.macros.setdefault(c.spelling, tokens)

    def macro_value(self, name, depth=0):
        """Integer value of an object-like macro made of literals, operators and other such macros; else None."""
        if depth > 20 or name not in self.macros:
            return None
        parts = []
        for tok in self.macros[name]:
            if re.fullmatch(r"(0[xX][0-9a-fA-F]+|\d+)[uUlL]*", tok):
                parts.append(str(int(tok.rstrip("uUlL"), 0)))
            elif tok in "()+-*/<<>>|&~" or tok in ("<<", ">>"):
                parts.append("//" if tok == "/" else tok)
            elif tok in self.enum_constants:
                parts.append(str(self.enum_constants[tok].enum_value))
            elif re.fullmatch(r"[A-Za-z_]\w*", tok):
                value = self.macro_value(tok, depth + 1)
                if value is None:
                    return None
                parts.append(str(value))
            else:
                return None
        if not parts:
            return None
        try:
            return int(eval(" ".join(parts), {"__builtins__": {}}))
        except Exception:
            return None


# ---------------------------------------------------------------------------------------------------------------
# Type mapping
# ---------------------------------------------------------------------------------------------------------------

def primitive(ctype, where):
    canonical = ctype.get_canonical()
    if canonical.kind not in PRIMITIVES:
        sys.exit(f"jextract.py: unsupported C type {ctype.spelling} ({canonical.kind}) in {where}")
    return PRIMITIVES[canonical.kind]


def parameter(ctype, where):
    """C array parameters decay to pointers."""
    if ctype.get_canonical().kind in (ci.TypeKind.INCOMPLETEARRAY, ci.TypeKind.CONSTANTARRAY, ci.TypeKind.VARIABLEARRAY):
        return PRIMITIVES[ci.TypeKind.POINTER]
    return primitive(ctype, where)


def java_name(name, index):
    if not name:
        return f"x{index}"
    return name + "_" if name in JAVA_KEYWORDS else name


def c_signature(fn):
    params = ", ".join(f"{a.type.spelling} {a.spelling}".strip() for a in fn.get_arguments())
    return f"{fn.result_type.spelling} {fn.spelling}({params})"


# ---------------------------------------------------------------------------------------------------------------
# Emitters: one function per emitted construct
# ---------------------------------------------------------------------------------------------------------------

FILE_PREAMBLE = """// Generated by native-bindings/generator/jextract.py (jextract layout). Do not edit: run native-bindings/generator/regenerate.sh.
// Source header {header} sha256:{digest}

package {package};

import java.lang.invoke.*;
import java.lang.foreign.*;
import java.nio.ByteOrder;
import java.util.*;
import java.util.function.*;
import java.util.stream.*;

import static java.lang.foreign.ValueLayout.*;
import static java.lang.foreign.MemoryLayout.PathElement.*;
"""


def emit_preamble(opts, header):
    with open(header, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()[:16]
    return FILE_PREAMBLE.format(header=os.path.basename(header), digest=digest, package=opts.package)


def emit_header_class_start(opts):
    h = opts.header_class
    lib = LIBRARIES[opts.library]
    return f"""
public class {h} {{

    {h}() {{
        // Should not be called directly
    }}

    static final boolean TRACE_DOWNCALLS = Boolean.getBoolean("jextract.trace.downcalls");

    static void traceDowncall(String name, Object... args) {{
         String traceArgs = Arrays.stream(args)
                       .map(Object::toString)
                       .collect(Collectors.joining(", "));
         System.out.printf("%s(%s)\\n", name, traceArgs);
    }}

    static MemorySegment findOrThrow(String symbol) {{
        return SYMBOL_LOOKUP.find(symbol)
            .orElseThrow(() -> new UnsatisfiedLinkError("unresolved symbol: " + symbol));
    }}

    static MemoryLayout align(MemoryLayout layout, long align) {{
        return switch (layout) {{
            case PaddingLayout p -> p;
            case ValueLayout v -> v.withByteAlignment(align);
            case GroupLayout g -> {{
                MemoryLayout[] alignedMembers = g.memberLayouts().stream()
                        .map(m -> align(m, align)).toArray(MemoryLayout[]::new);
                yield g instanceof StructLayout ?
                        MemoryLayout.structLayout(alignedMembers) : MemoryLayout.unionLayout(alignedMembers);
            }}
            case SequenceLayout s -> MemoryLayout.sequenceLayout(s.elementCount(), align(s.elementLayout(), align));
        }};
    }}

    /** The library this class binds; see {{@link dev.jdnn.bindings.loader.NativeLibraries}} for where it is looked for. */
    public static final dev.jdnn.bindings.loader.Library LIBRARY = dev.jdnn.bindings.loader.Library.{lib};

    // Differs from jextract on purpose: lazy, and resolved by our discovery (nothing loads until the first call).
    static final SymbolLookup SYMBOL_LOOKUP = dev.jdnn.bindings.loader.NativeLibraries.lazyLookup(LIBRARY);

    /** Loads the library (once) or throws {{@link dev.jdnn.bindings.loader.NativeLibraryException}} saying where it looked. */
    static void requireLibrary() {{
        dev.jdnn.bindings.loader.NativeLibraries.require(LIBRARY);
    }}

    public static final ValueLayout.OfBoolean C_BOOL = ValueLayout.JAVA_BOOLEAN;
    public static final ValueLayout.OfByte C_CHAR = ValueLayout.JAVA_BYTE;
    public static final ValueLayout.OfShort C_SHORT = ValueLayout.JAVA_SHORT;
    public static final ValueLayout.OfInt C_INT = ValueLayout.JAVA_INT;
    public static final ValueLayout.OfLong C_LONG_LONG = ValueLayout.JAVA_LONG;
    public static final ValueLayout.OfFloat C_FLOAT = ValueLayout.JAVA_FLOAT;
    public static final ValueLayout.OfDouble C_DOUBLE = ValueLayout.JAVA_DOUBLE;
    public static final AddressLayout C_POINTER = ValueLayout.ADDRESS
            .withTargetLayout(MemoryLayout.sequenceLayout(java.lang.Long.MAX_VALUE, JAVA_BYTE));
    public static final ValueLayout.OfLong C_LONG = ValueLayout.JAVA_LONG;
"""


def emit_function(h, fn):
    name = fn.spelling
    args = list(fn.get_arguments())
    params = [(java_name(a.spelling, i), parameter(a.type, name)) for i, a in enumerate(args)]
    void = fn.result_type.get_canonical().kind == ci.TypeKind.VOID
    ret = None if void else primitive(fn.result_type, name)
    layouts = [f"{h}.{p[1][0]}" for p in params]
    if void:
        desc = "FunctionDescriptor.ofVoid(" + ("\n            " + ",\n            ".join(layouts) + "\n        " if layouts else "") + ")"
    else:
        desc = "FunctionDescriptor.of(\n            " + ",\n            ".join([f"{h}.{ret[0]}"] + layouts) + "\n        )"
    java_params = ", ".join(f"{p[1][1]} {p[0]}" for p in params)
    call_args = ", ".join(p[0] for p in params)
    trace_args = ", " + call_args if call_args else ""
    invoke = f"mh$.invokeExact({call_args});" if void else f"return ({ret[1]})mh$.invokeExact({call_args});"
    return f"""
    private static class {name} {{
        public static final FunctionDescriptor DESC = {desc};

        public static final MemorySegment ADDR = {h}.findOrThrow("{name}");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }}

    /**
     * Function descriptor for:
     * {{@snippet lang=c :
     * {c_signature(fn)}
     * }}
     */
    public static FunctionDescriptor {name}$descriptor() {{
        return {name}.DESC;
    }}

    /**
     * Downcall method handle for:
     * {{@snippet lang=c :
     * {c_signature(fn)}
     * }}
     */
    public static MethodHandle {name}$handle() {{
        requireLibrary();
        return {name}.HANDLE;
    }}

    /**
     * Address for:
     * {{@snippet lang=c :
     * {c_signature(fn)}
     * }}
     */
    public static MemorySegment {name}$address() {{
        requireLibrary();
        return {name}.ADDR;
    }}

    /**
     * {{@snippet lang=c :
     * {c_signature(fn)}
     * }}
     */
    public static {"void" if void else ret[1]} {name}({java_params}) {{
        requireLibrary();
        var mh$ = {name}.HANDLE;
        try {{
            if (TRACE_DOWNCALLS) {{
                traceDowncall("{name}"{trace_args});
            }}
            {invoke}
        }} catch (Error | RuntimeException ex) {{
           throw ex;
        }} catch (Throwable ex$) {{
           throw new AssertionError("should not reach here", ex$);
        }}
    }}
"""


def emit_constant(name, value, comment):
    java_type = "int" if -2**31 <= value < 2**32 else "long"
    literal = f"(int){value}L" if java_type == "int" else f"{value}L"
    return f"""    private static final {java_type} {name} = {literal};
    /**
     * {{@snippet lang=c :
     * {comment}
     * }}
     */
    public static {java_type} {name}() {{
        return {name};
    }}
"""


def emit_typedef_layout(h, td):
    under = td.underlying_typedef_type
    layout, _, layout_class = primitive(under, td.spelling)
    java_type = layout_class if layout_class == "AddressLayout" else "ValueLayout." + layout_class
    return f"""    /**
     * {{@snippet lang=c :
     * typedef {under.spelling} {td.spelling}
     * }}
     */
    public static final {java_type} {td.spelling} = {h}.{layout};
"""


def struct_members(h, struct):
    """(layout expression, field or None) in order, with the padding jextract inserts between and after fields."""
    members = []
    offset = 0
    for field in struct.get_children():
        if field.kind != ci.CursorKind.FIELD_DECL:
            continue
        field_offset = struct.type.get_offset(field.spelling) // 8
        if field_offset > offset:
            members.append((f"MemoryLayout.paddingLayout({field_offset - offset})", None))
        ftype = field.type.get_canonical()
        if ftype.kind == ci.TypeKind.CONSTANTARRAY:
            elem = primitive(ftype.element_type, struct.spelling)
            layout = f"MemoryLayout.sequenceLayout({ftype.element_count}, {h}.{elem[0]})"
        else:
            layout = f"{h}.{primitive(ftype, struct.spelling)[0]}"
        members.append((f'{layout}.withName("{field.spelling}")', field))
        offset = field_offset + field.type.get_size()
    size = struct.type.get_size()
    if size > offset:
        members.append((f"MemoryLayout.paddingLayout({size - offset})", None))
    return members


def emit_scalar_field(struct, field):
    name = field.spelling
    _, java, lc = primitive(field.type, struct.spelling)
    offset = struct.type.get_offset(name) // 8
    return f"""
    private static final {lc} {name}$LAYOUT = ({lc})$LAYOUT.select(groupElement("{name}"));

    public static final {lc} {name}$layout() {{
        return {name}$LAYOUT;
    }}

    private static final long {name}$OFFSET = {offset};

    public static final long {name}$offset() {{
        return {name}$OFFSET;
    }}

    public static {java} {name}(MemorySegment struct) {{
        return struct.get({name}$LAYOUT, {name}$OFFSET);
    }}

    public static void {name}(MemorySegment struct, {java} fieldValue) {{
        struct.set({name}$LAYOUT, {name}$OFFSET, fieldValue);
    }}
"""


def emit_array_field(struct, field):
    name = field.spelling
    ftype = field.type.get_canonical()
    _, java, _ = primitive(ftype.element_type, struct.spelling)
    offset = struct.type.get_offset(name) // 8
    return f"""
    private static final SequenceLayout {name}$LAYOUT = (SequenceLayout)$LAYOUT.select(groupElement("{name}"));

    public static final SequenceLayout {name}$layout() {{
        return {name}$LAYOUT;
    }}

    private static final long {name}$OFFSET = {offset};

    public static final long {name}$offset() {{
        return {name}$OFFSET;
    }}

    public static MemorySegment {name}(MemorySegment struct) {{
        return struct.asSlice({name}$OFFSET, {name}$LAYOUT.byteSize());
    }}

    public static void {name}(MemorySegment struct, MemorySegment fieldValue) {{
        MemorySegment.copy(fieldValue, 0L, struct, {name}$OFFSET, {name}$LAYOUT.byteSize());
    }}

    private static long[] {name}$DIMS = {{ {ftype.element_count} }};

    public static long[] {name}$dimensions() {{
        return {name}$DIMS;
    }}
    private static final VarHandle {name}$ELEM_HANDLE = {name}$LAYOUT.varHandle(sequenceElement());

    public static {java} {name}(MemorySegment struct, long index0) {{
        return ({java}){name}$ELEM_HANDLE.get(struct, {name}$OFFSET, index0);
    }}

    public static void {name}(MemorySegment struct, long index0, {java} fieldValue) {{
        {name}$ELEM_HANDLE.set(struct, {name}$OFFSET, index0, fieldValue);
    }}
"""


def emit_struct_class(opts, header, struct):
    h = opts.header_class
    name = struct.spelling
    members = struct_members(h, struct)
    fields = []
    for _, field in members:
        if field is None:
            continue
        is_array = field.type.get_canonical().kind == ci.TypeKind.CONSTANTARRAY
        fields.append(emit_array_field(struct, field) if is_array else emit_scalar_field(struct, field))
    layout = ",\n        ".join(m[0] for m in members)
    return emit_preamble(opts, header) + f"""
/**
 * {{@snippet lang=c :
 * struct {name}
 * }}
 */
public class {name} {{

    {name}() {{
        // Should not be called directly
    }}

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        {layout}
    ).withName("{name}");

    /**
     * The layout of this struct
     */
    public static final GroupLayout layout() {{
        return $LAYOUT;
    }}
{"".join(fields)}
    /**
     * Obtains a slice of {{@code arrayParam}} which selects the array element at {{@code index}}.
     * The returned segment has address {{@code arrayParam.address() + index * layout().byteSize()}}
     */
    public static MemorySegment asSlice(MemorySegment array, long index) {{
        return array.asSlice(layout().byteSize() * index);
    }}

    /**
     * The size (in bytes) of this struct
     */
    public static long sizeof() {{ return layout().byteSize(); }}

    /**
     * Allocate a segment of size {{@code layout().byteSize()}} using {{@code allocator}}
     */
    public static MemorySegment allocate(SegmentAllocator allocator) {{
        return allocator.allocate(layout());
    }}

    /**
     * Allocate an array of size {{@code elementCount}} using {{@code allocator}}.
     * The returned segment has size {{@code elementCount * layout().byteSize()}}.
     */
    public static MemorySegment allocateArray(long elementCount, SegmentAllocator allocator) {{
        return allocator.allocate(MemoryLayout.sequenceLayout(elementCount, layout()));
    }}

    /**
     * Reinterprets {{@code addr}} using target {{@code arena}} and {{@code cleanupAction}} (if any).
     * The returned segment has size {{@code layout().byteSize()}}
     */
    public static MemorySegment reinterpret(MemorySegment addr, Arena arena, Consumer<MemorySegment> cleanup) {{
        return reinterpret(addr, 1, arena, cleanup);
    }}

    /**
     * Reinterprets {{@code addr}} using target {{@code arena}} and {{@code cleanupAction}} (if any).
     * The returned segment has size {{@code elementCount * layout().byteSize()}}
     */
    public static MemorySegment reinterpret(MemorySegment addr, long elementCount, Arena arena, Consumer<MemorySegment> cleanup) {{
        return addr.reinterpret(layout().byteSize() * elementCount, arena, cleanup);
    }}
}}
"""


def emit_struct_typedef_class(opts, header, td, struct_name):
    return emit_preamble(opts, header) + f"""
/**
 * {{@snippet lang=c :
 * typedef struct {struct_name} {td.spelling}
 * }}
 */
public class {td.spelling} extends {struct_name} {{

    {td.spelling}() {{
        // Should not be called directly
    }}
}}
"""


# ---------------------------------------------------------------------------------------------------------------
# Driver
# ---------------------------------------------------------------------------------------------------------------

def constant_value(decls, name):
    if name in decls.enum_constants:
        e = decls.enum_constants[name]
        return e.enum_value, f"enum {e.semantic_parent.spelling or e.semantic_parent.type.spelling}.{name} = {e.enum_value}"
    value = decls.macro_value(name)
    if value is not None:
        return value, f"#define {name} {' '.join(decls.macros[name])}"
    sys.exit(f"jextract.py: constant {name} not found (or not an integer) in the headers")


def header_class_source(opts, header, decls):
    h = opts.header_class
    parts = [emit_preamble(opts, header), emit_header_class_start(opts)]
    for name in opts.typedefs:
        td = decls.typedefs.get(name)
        if td is None:
            sys.exit(f"jextract.py: typedef {name} not found")
        if td.underlying_typedef_type.get_canonical().kind != ci.TypeKind.RECORD:
            parts.append(emit_typedef_layout(h, td))
    for name in opts.constants:
        value, comment = constant_value(decls, name)
        parts.append(emit_constant(name, value, comment))
    for name in opts.functions:
        fn = decls.functions.get(name)
        if fn is None:
            sys.exit(f"jextract.py: function {name} not found in the headers (mind _v2 renames: bind the exported name)")
        parts.append(emit_function(h, fn))
    parts.append("}\n")
    return "".join(parts)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def generate(opts):
    include_dirs = opts.include_dirs + default_include_dirs()
    if len(opts.headers) != 1:
        sys.exit(f"jextract.py: exactly one header expected, got {opts.headers}")
    header = resolve_header(opts.headers[0], include_dirs)
    decls = Declarations(parse_header(header, include_dirs, opts.defines))
    out_dir = os.path.join(opts.output, *opts.package.split("."))
    write(os.path.join(out_dir, opts.header_class + ".java"), header_class_source(opts, header, decls))
    for name in opts.structs:
        struct = decls.structs.get(name)
        if struct is None:
            sys.exit(f"jextract.py: struct {name} not found")
        write(os.path.join(out_dir, name + ".java"), emit_struct_class(opts, header, struct))
    for name in opts.typedefs:
        td = decls.typedefs[name]
        under = td.underlying_typedef_type.get_canonical()
        if under.kind == ci.TypeKind.RECORD:
            write(os.path.join(out_dir, name + ".java"),
                  emit_struct_typedef_class(opts, header, td, under.get_declaration().spelling))


def list_enum_constants(argv):
    """Helper for writing argfiles: prints --include-constant lines for every constant of the named enums."""
    include_dirs = []
    rest = []
    i = 0
    while i < len(argv):
        if argv[i] in ("-I", "--include-dir"):
            include_dirs.append(argv[i + 1])
            i += 2
        else:
            rest.append(argv[i])
            i += 1
    include_dirs += default_include_dirs()
    header = resolve_header(rest[0], include_dirs)
    decls = Declarations(parse_header(header, include_dirs, []))
    for type_name in rest[1:]:
        enum = decls.enums.get(type_name)
        if enum is None:
            sys.exit(f"jextract.py: enum {type_name} not found")
        for e in enum.get_children():
            if e.kind == ci.CursorKind.ENUM_CONSTANT_DECL:
                print(f"--include-constant {e.spelling}")


def main(argv):
    if argv and argv[0] == "--list-enum-constants":
        list_enum_constants(argv[1:])
    else:
        generate(parse_options(argv))


if __name__ == "__main__":
    main(sys.argv[1:])
