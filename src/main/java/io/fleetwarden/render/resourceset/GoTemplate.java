package io.fleetwarden.render.resourceset;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Go's text/template with the {@code << >>} delimiters and {@code missingkey=error}, as Flux Operator configures
 * it for ResourceSets. A clean-room implementation of the language as documented by Go: text and actions, trim
 * markers ({@code <<- } and {@code  ->>}), comments, {@code if}/{@code else if}/{@code else}, {@code range} over
 * lists, maps (sorted keys) and integers with {@code break}/{@code continue}, {@code with}/{@code else with},
 * variables ({@code :=}, {@code =}, {@code $}), pipelines, parenthesised pipelines, field chains,
 * {@code define}/{@code template}/{@code block}. {@code {{ }}} text is ordinary text.
 *
 * <p>Bounded: the template text, the output, the nesting/recursion depth and the number of evaluation steps
 * (which bounds loops) are limited; exceeding one is an error naming the limit.
 */
final class GoTemplate {

    /** Largest template text, in characters. */
    static final int MAX_TEMPLATE_CHARS = 1 << 20;
    /** Largest output of one execution, in characters. */
    static final int MAX_OUTPUT_CHARS = 8 << 20;
    /** Deepest nesting of template calls and control structures during execution. */
    static final int MAX_EXEC_DEPTH = 100;
    /** Most evaluation steps (actions, loop iterations, function calls) in one execution. */
    static final int MAX_STEPS = 1_000_000;
    /** Deepest parse nesting (parentheses and control structures). */
    static final int MAX_PARSE_DEPTH = 100;

    private final String name;
    private final String text;
    private final List<Node> root;
    private final Map<String, List<Node>> defines;
    private final Functions functions;

    private GoTemplate(String name, String text, List<Node> root, Map<String, List<Node>> defines, Functions functions) {
        this.name = name;
        this.text = text;
        this.root = root;
        this.defines = defines;
        this.functions = functions;
    }

    static GoTemplate parse(String name, String text, Functions functions) throws TemplateException {
        if (text.length() > MAX_TEMPLATE_CHARS) {
            throw new TemplateException("template: " + name + ": template is " + text.length()
                    + " characters, more than the limit of " + MAX_TEMPLATE_CHARS);
        }
        Parser p = new Parser(name, text, functions);
        List<Node> root = p.parseTop();
        return new GoTemplate(name, text, root, p.defines, functions);
    }

    String execute(Object data) throws TemplateException {
        Exec e = new Exec(data);
        try {
            e.walkList(root, data, 0);
        } catch (LoopControl lc) {
            throw e.error(lc.pos, lc.source, "{{" + lc.kind + "}} outside {{range}}");
        }
        return e.out.toString();
    }

    // =========================================================================================================
    // Lexer

    enum T {
        TEXT, LEFT, RIGHT, SPACE, IDENT, FIELD, VAR, STRING, CHAR, NUMBER, BOOL, NIL, DOT, LPAREN, RPAREN, PIPE,
        DECLARE, ASSIGN, COMMA, KEYWORD, EOF
    }

    record Tok(T type, String val, int pos) {
    }

    private static final java.util.Set<String> KEYWORDS = java.util.Set.of("if", "else", "end", "range", "with",
            "define", "template", "block", "break", "continue");

    private static final class Lexer {
        final String name;
        final String s;
        final String left = "<<";
        final String right = ">>";
        final List<Tok> toks = new ArrayList<>();
        int pos;

        Lexer(String name, String s) {
            this.name = name;
            this.s = s;
        }

        TemplateException err(int at, String msg) {
            return new TemplateException("template: " + name + ":" + lineCol(s, at) + ": " + msg);
        }

        static boolean isSpace(char c) {
            return c == ' ' || c == '\t' || c == '\r' || c == '\n';
        }

        List<Tok> run() throws TemplateException {
            boolean trimNext = false;
            while (pos <= s.length()) {
                int i = s.indexOf(left, pos);
                int textEnd = i < 0 ? s.length() : i;
                int textStart = pos;
                if (trimNext) {
                    while (textStart < textEnd && isSpace(s.charAt(textStart))) {
                        textStart++;
                    }
                }
                boolean trimLeft = i >= 0 && i + 3 < s.length() + 1 && s.startsWith("-", i + 2)
                        && i + 3 < s.length() && isSpace(s.charAt(i + 3));
                int te = textEnd;
                if (trimLeft) {
                    while (te > textStart && isSpace(s.charAt(te - 1))) {
                        te--;
                    }
                }
                if (te > textStart) {
                    toks.add(new Tok(T.TEXT, s.substring(textStart, te), textStart));
                }
                if (i < 0) {
                    break;
                }
                pos = i + left.length() + (trimLeft ? 2 : 0);
                // comment
                if (s.startsWith("/*", pos)) {
                    int end = s.indexOf("*/", pos + 2);
                    if (end < 0) {
                        throw err(i, "unclosed comment");
                    }
                    pos = end + 2;
                    boolean trimR = false;
                    if (s.startsWith(" -" + right, pos)) {
                        trimR = true;
                        pos += 2;
                    }
                    if (!s.startsWith(right, pos)) {
                        throw err(i, "comment ends before closing delimiter");
                    }
                    pos += right.length();
                    trimNext = trimR;
                    continue;
                }
                toks.add(new Tok(T.LEFT, left, i));
                trimNext = lexInside(i);
            }
            toks.add(new Tok(T.EOF, "", s.length()));
            return toks;
        }

        /** Lexes one action; returns whether it ended with a trim marker. */
        boolean lexInside(int actionStart) throws TemplateException {
            int parens = 0;
            while (true) {
                if (pos >= s.length()) {
                    throw err(actionStart, "unclosed action");
                }
                if (isSpace(s.charAt(pos)) && s.startsWith("-" + right, pos + 1)) {
                    if (parens > 0) {
                        throw err(pos, "unclosed left paren");
                    }
                    toks.add(new Tok(T.RIGHT, right, pos));
                    pos += 2 + right.length();
                    return true;
                }
                if (s.startsWith(right, pos)) {
                    if (parens > 0) {
                        throw err(pos, "unclosed left paren");
                    }
                    toks.add(new Tok(T.RIGHT, right, pos));
                    pos += right.length();
                    return false;
                }
                char c = s.charAt(pos);
                int start = pos;
                if (isSpace(c)) {
                    while (pos < s.length() && isSpace(s.charAt(pos))
                            && !(s.startsWith("-" + right, pos + 1))) {
                        pos++;
                    }
                    if (pos == start) {
                        pos++;
                    }
                    if (s.substring(start, pos).contains("\n")) {
                        // Go allows newlines inside actions since 1.16; nothing to do.
                    }
                    toks.add(new Tok(T.SPACE, s.substring(start, pos), start));
                } else if (c == '=') {
                    pos++;
                    toks.add(new Tok(T.ASSIGN, "=", start));
                } else if (c == ':') {
                    if (!s.startsWith(":=", pos)) {
                        throw err(pos, "expected :=");
                    }
                    pos += 2;
                    toks.add(new Tok(T.DECLARE, ":=", start));
                } else if (c == '|') {
                    pos++;
                    toks.add(new Tok(T.PIPE, "|", start));
                } else if (c == '"') {
                    pos++;
                    while (true) {
                        if (pos >= s.length() || s.charAt(pos) == '\n') {
                            throw err(start, "unterminated quoted string");
                        }
                        char d = s.charAt(pos++);
                        if (d == '\\') {
                            if (pos >= s.length()) {
                                throw err(start, "unterminated quoted string");
                            }
                            pos++;
                        } else if (d == '"') {
                            break;
                        }
                    }
                    toks.add(new Tok(T.STRING, s.substring(start, pos), start));
                } else if (c == '`') {
                    int end = s.indexOf('`', pos + 1);
                    if (end < 0) {
                        throw err(start, "unterminated raw quoted string");
                    }
                    pos = end + 1;
                    toks.add(new Tok(T.STRING, s.substring(start, pos), start));
                } else if (c == '\'') {
                    pos++;
                    while (true) {
                        if (pos >= s.length() || s.charAt(pos) == '\n') {
                            throw err(start, "unterminated character constant");
                        }
                        char d = s.charAt(pos++);
                        if (d == '\\') {
                            pos++;
                        } else if (d == '\'') {
                            break;
                        }
                    }
                    toks.add(new Tok(T.CHAR, s.substring(start, pos), start));
                } else if (c == '$') {
                    pos++;
                    while (pos < s.length() && isAlnum(s.charAt(pos))) {
                        pos++;
                    }
                    toks.add(new Tok(T.VAR, s.substring(start, pos), start));
                } else if (c == '.') {
                    if (pos + 1 < s.length() && Character.isDigit(s.charAt(pos + 1))) {
                        lexNumber(start);
                    } else {
                        pos++;
                        while (pos < s.length() && isAlnum(s.charAt(pos))) {
                            pos++;
                        }
                        toks.add(pos - start == 1 ? new Tok(T.DOT, ".", start)
                                : new Tok(T.FIELD, s.substring(start, pos), start));
                    }
                } else if (c == '+' || c == '-' || Character.isDigit(c)) {
                    lexNumber(start);
                } else if (isAlnum(c)) {
                    while (pos < s.length() && isAlnum(s.charAt(pos))) {
                        pos++;
                    }
                    String word = s.substring(start, pos);
                    if (KEYWORDS.contains(word)) {
                        toks.add(new Tok(T.KEYWORD, word, start));
                    } else if (word.equals("true") || word.equals("false")) {
                        toks.add(new Tok(T.BOOL, word, start));
                    } else if (word.equals("nil")) {
                        toks.add(new Tok(T.NIL, word, start));
                    } else {
                        toks.add(new Tok(T.IDENT, word, start));
                    }
                } else if (c == '(') {
                    pos++;
                    parens++;
                    if (parens > MAX_PARSE_DEPTH) {
                        throw err(start, "parentheses nested deeper than " + MAX_PARSE_DEPTH);
                    }
                    toks.add(new Tok(T.LPAREN, "(", start));
                } else if (c == ')') {
                    pos++;
                    parens--;
                    if (parens < 0) {
                        throw err(start, "unexpected right paren");
                    }
                    toks.add(new Tok(T.RPAREN, ")", start));
                } else if (c == ',') {
                    pos++;
                    toks.add(new Tok(T.COMMA, ",", start));
                } else {
                    throw err(start, "unrecognized character in action: " + quoteChar(s.codePointAt(pos)));
                }
            }
        }

        void lexNumber(int start) throws TemplateException {
            if (s.charAt(pos) == '+' || s.charAt(pos) == '-') {
                pos++;
            }
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (isAlnum(c) || c == '.') {
                    pos++;
                } else if ((c == '+' || c == '-') && pos > start
                        && (s.charAt(pos - 1) == 'e' || s.charAt(pos - 1) == 'E' || s.charAt(pos - 1) == 'p'
                        || s.charAt(pos - 1) == 'P') && !s.substring(start, pos).toLowerCase().startsWith("0x")) {
                    pos++;
                } else {
                    break;
                }
            }
            String num = s.substring(start, pos);
            if (num.equals("+") || num.equals("-")) {
                throw err(start, "bad number syntax: \"" + num + "\"");
            }
            toks.add(new Tok(T.NUMBER, num, start));
        }

        static boolean isAlnum(char c) {
            return c == '_' || Character.isLetterOrDigit(c);
        }
    }

    static String quoteChar(int cp) {
        return "U+" + String.format("%04X", cp) + " '" + new String(Character.toChars(cp)) + "'";
    }

    static String lineCol(String text, int pos) {
        int p = Math.min(Math.max(pos, 0), text.length());
        int line = 1;
        int lastNl = -1;
        for (int i = 0; i < p; i++) {
            if (text.charAt(i) == '\n') {
                line++;
                lastNl = i;
            }
        }
        String before = text.substring(lastNl + 1, p);
        int col = GoValues.byteLength(before);
        return line + ":" + col;
    }

    // =========================================================================================================
    // Nodes

    sealed interface Node permits Text, Action, If, Range, TemplateCall, Break, Continue {
    }

    record Text(String text) implements Node {
    }

    record Action(int pos, String source, Pipe pipe) implements Node {
    }

    /** if and with: {@code with} sets dot. */
    record If(int pos, String source, boolean isWith, Pipe pipe, List<Node> list, List<Node> elseList) implements Node {
    }

    record Range(int pos, String source, Pipe pipe, List<Node> list, List<Node> elseList) implements Node {
    }

    record TemplateCall(int pos, String source, String name, Pipe pipe) implements Node {
    }

    record Break(int pos, String source) implements Node {
    }

    record Continue(int pos, String source) implements Node {
    }

    record Pipe(int pos, String source, List<String> decl, boolean isAssign, List<Command> cmds) {
    }

    record Command(int pos, String source, List<Arg> args) {
    }

    sealed interface Arg permits FieldArg, VarArg, DotArg, NilArg, BoolArg, NumArg, StrArg, IdentArg, ChainArg,
            PipeArg {
        int pos();

        String source();
    }

    /** {@code .a.b}. */
    record FieldArg(int pos, String source, List<String> idents) implements Arg {
    }

    /** {@code $x.a.b}; idents[0] is the variable name. */
    record VarArg(int pos, String source, List<String> idents) implements Arg {
    }

    record DotArg(int pos, String source) implements Arg {
    }

    record NilArg(int pos, String source) implements Arg {
    }

    record BoolArg(int pos, String source, boolean value) implements Arg {
    }

    /** A number constant: {@code intValue} is set when it is an integer, {@code floatValue} when it is a float. */
    record NumArg(int pos, String source, Long intValue, Double floatValue, boolean isChar) implements Arg {
    }

    record StrArg(int pos, String source, String value) implements Arg {
    }

    record IdentArg(int pos, String source, String name) implements Arg {
    }

    record ChainArg(int pos, String source, Arg node, List<String> fields) implements Arg {
    }

    record PipeArg(int pos, String source, Pipe pipe) implements Arg {
    }

    // =========================================================================================================
    // Parser

    private static final class Parser {
        final String name;
        final String text;
        final Functions functions;
        final Map<String, List<Node>> defines = new HashMap<>();
        List<Tok> toks;
        int i;
        final List<List<String>> vars = new ArrayList<>();
        int depth;
        int rangeDepth;

        Parser(String name, String text, Functions functions) {
            this.name = name;
            this.text = text;
            this.functions = functions;
        }

        TemplateException err(int pos, String msg) {
            return new TemplateException("template: " + name + ":" + lineCol(text, pos) + ": " + msg);
        }

        Tok peek() {
            return toks.get(i);
        }

        Tok next() {
            return toks.get(i++);
        }

        Tok peekNonSpace() {
            int j = i;
            while (toks.get(j).type == T.SPACE) {
                j++;
            }
            return toks.get(j);
        }

        Tok nextNonSpace() {
            Tok t;
            do {
                t = next();
            } while (t.type == T.SPACE);
            return t;
        }

        void skipSpace() {
            while (peek().type == T.SPACE) {
                i++;
            }
        }

        List<Node> parseTop() throws TemplateException {
            toks = new Lexer(name, text).run();
            i = 0;
            vars.add(new ArrayList<>(List.of("$")));
            List<Node> list = new ArrayList<>();
            while (peek().type != T.EOF) {
                if (peek().type == T.LEFT) {
                    int save = i;
                    next();
                    Tok k = peekNonSpace();
                    if (k.type == T.KEYWORD && k.val.equals("define")) {
                        nextNonSpace();
                        parseDefine(k.pos);
                        continue;
                    }
                    i = save;
                }
                Object n = textOrAction();
                if (n instanceof Tok t) {
                    throw err(t.pos, "unexpected {{" + t.val + "}}");
                }
                list.add((Node) n);
            }
            return list;
        }

        void parseDefine(int pos) throws TemplateException {
            Tok nameTok = nextNonSpace();
            if (nameTok.type != T.STRING) {
                throw err(nameTok.pos, "name of template is not a string");
            }
            String tname = unquote(nameTok);
            expectRight("define clause");
            List<List<String>> saved = new ArrayList<>(vars);
            vars.clear();
            vars.add(new ArrayList<>(List.of("$")));
            int savedRange = rangeDepth;
            rangeDepth = 0;
            Object[] r = itemList(pos);
            rangeDepth = savedRange;
            if (!"end".equals(((Tok) r[1]).val)) {
                throw err(((Tok) r[1]).pos, "unexpected {{else}} in define clause");
            }
            vars.clear();
            vars.addAll(saved);
            @SuppressWarnings("unchecked")
            List<Node> body = (List<Node>) r[0];
            if (defines.containsKey(tname) && !defines.get(tname).isEmpty()) {
                throw err(pos, "template: multiple definition of template \"" + tname + "\"");
            }
            defines.put(tname, body);
        }

        void expectRight(String context) throws TemplateException {
            Tok t = nextNonSpace();
            if (t.type != T.RIGHT) {
                throw err(t.pos, "unexpected \"" + t.val + "\" in " + context);
            }
        }

        /** Returns a Node, or the terminating keyword token (end/else) of the enclosing list. */
        Object textOrAction() throws TemplateException {
            Tok t = next();
            if (t.type == T.TEXT) {
                return new Text(t.val);
            }
            if (t.type == T.LEFT) {
                return action(t.pos);
            }
            throw err(t.pos, "unexpected " + t.val + " in input");
        }

        /** itemList: returns {list, terminator token}. */
        Object[] itemList(int startPos) throws TemplateException {
            if (++depth > MAX_PARSE_DEPTH) {
                throw err(startPos, "control structures nested deeper than " + MAX_PARSE_DEPTH);
            }
            List<Node> list = new ArrayList<>();
            while (true) {
                if (peek().type == T.EOF) {
                    throw err(startPos, "unexpected EOF");
                }
                Object n = textOrAction();
                if (n instanceof Tok term) {
                    depth--;
                    return new Object[] {list, term};
                }
                list.add((Node) n);
            }
        }

        Object action(int leftPos) throws TemplateException {
            Tok t = peekNonSpace();
            if (t.type == T.KEYWORD) {
                nextNonSpace();
                switch (t.val) {
                    case "if":
                        return control(leftPos, "if");
                    case "with":
                        return control(leftPos, "with");
                    case "range":
                        return control(leftPos, "range");
                    case "end":
                        expectRight("end");
                        return t;
                    case "else":
                        // else, else if, else with: the caller decides
                        return t;
                    case "template":
                        return templateCall(leftPos, false);
                    case "block":
                        return templateCall(leftPos, true);
                    case "break":
                    case "continue":
                        if (rangeDepth == 0) {
                            throw err(t.pos, "{{" + t.val + "}} outside {{range}}");
                        }
                        expectRight(t.val);
                        return t.val.equals("break") ? new Break(leftPos, "break") : new Continue(leftPos, "continue");
                    case "define":
                        throw err(t.pos, "unexpected <define> in command");
                    default:
                        throw err(t.pos, "unexpected keyword " + t.val);
                }
            }
            Pipe pipe = pipeline("command", T.RIGHT);
            return new Action(leftPos, pipe.source, pipe);
        }

        Node templateCall(int pos, boolean block) throws TemplateException {
            Tok nameTok = nextNonSpace();
            if (nameTok.type != T.STRING) {
                throw err(nameTok.pos, "unexpected \"" + nameTok.val + "\" in template clause");
            }
            String tname = unquote(nameTok);
            Pipe pipe = null;
            if (peekNonSpace().type != T.RIGHT) {
                pipe = pipeline(block ? "block" : "template", T.RIGHT);
            } else {
                nextNonSpace();
            }
            if (block) {
                List<List<String>> saved = new ArrayList<>(vars);
                vars.clear();
                vars.add(new ArrayList<>(List.of("$")));
                Object[] r = itemList(pos);
                vars.clear();
                vars.addAll(saved);
                if (!"end".equals(((Tok) r[1]).val)) {
                    throw err(((Tok) r[1]).pos, "unexpected {{else}} in block clause");
                }
                @SuppressWarnings("unchecked")
                List<Node> body = (List<Node>) r[0];
                defines.put(tname, body);
            }
            return new TemplateCall(pos, (block ? "block " : "template ") + nameTok.val, tname, pipe);
        }

        Node control(int pos, String kind) throws TemplateException {
            vars.add(new ArrayList<>());
            Pipe pipe = pipeline(kind, T.RIGHT);
            if (kind.equals("range")) {
                rangeDepth++;
            }
            Object[] r;
            try {
                r = itemList(pos);
            } finally {
                if (kind.equals("range")) {
                    rangeDepth--;
                }
            }
            @SuppressWarnings("unchecked")
            List<Node> list = (List<Node>) r[0];
            Tok term = (Tok) r[1];
            List<Node> elseList = null;
            if (term.val.equals("else")) {
                Tok k = peekNonSpace();
                if (!kind.equals("range") && k.type == T.KEYWORD && k.val.equals(kind)) {
                    // {{else if ...}} / {{else with ...}}: an else branch holding one nested control that
                    // consumes the shared {{end}}.
                    nextNonSpace();
                    vars.remove(vars.size() - 1);
                    vars.add(new ArrayList<>());
                    Node nested = control(k.pos, kind);
                    elseList = List.of(nested);
                    vars.remove(vars.size() - 1);
                    return build(pos, kind, pipe, list, elseList);
                }
                expectRight("else");
                Object[] r2 = itemList(pos);
                Tok term2 = (Tok) r2[1];
                if (!term2.val.equals("end")) {
                    throw err(term2.pos, "expected end; found {{else}}");
                }
                @SuppressWarnings("unchecked")
                List<Node> el = (List<Node>) r2[0];
                elseList = el;
            }
            vars.remove(vars.size() - 1);
            return build(pos, kind, pipe, list, elseList);
        }

        Node build(int pos, String kind, Pipe pipe, List<Node> list, List<Node> elseList) {
            String source = kind + " " + pipe.source;
            if (kind.equals("range")) {
                return new Range(pos, source, pipe, list, elseList);
            }
            return new If(pos, source, kind.equals("with"), pipe, list, elseList);
        }

        boolean declared(String v) {
            for (List<String> scope : vars) {
                if (scope.contains(v)) {
                    return true;
                }
            }
            return false;
        }

        Pipe pipeline(String context, T end) throws TemplateException {
            skipSpace();
            int start = peek().pos;
            List<String> decl = new ArrayList<>();
            boolean isAssign = false;
            // declarations: $x := / $x = / $i, $v :=
            if (peek().type == T.VAR) {
                int save = i;
                Tok v = next();
                skipSpace();
                Tok n = peek();
                if (n.type == T.DECLARE || n.type == T.ASSIGN) {
                    next();
                    decl.add(v.val);
                    isAssign = n.type == T.ASSIGN;
                    if (isAssign && !declared(v.val)) {
                        throw err(v.pos, "undefined variable \"" + v.val + "\"");
                    }
                } else if (n.type == T.COMMA && context.equals("range")) {
                    next();
                    skipSpace();
                    Tok v2 = next();
                    if (v2.type != T.VAR) {
                        throw err(v2.pos, "range can only initialize variables");
                    }
                    skipSpace();
                    Tok d = next();
                    if (d.type != T.DECLARE && d.type != T.ASSIGN) {
                        throw err(d.pos, "range can only initialize variables");
                    }
                    isAssign = d.type == T.ASSIGN;
                    decl.add(v.val);
                    decl.add(v2.val);
                } else {
                    i = save;
                }
                if (!isAssign) {
                    for (String d : decl) {
                        vars.get(vars.size() - 1).add(d);
                    }
                }
            }
            List<Command> cmds = new ArrayList<>();
            while (true) {
                skipSpace();
                Tok t = peek();
                if (t.type == end) {
                    next();
                    break;
                }
                if (t.type == T.EOF) {
                    throw err(t.pos, "unclosed action");
                }
                cmds.add(command(end));
                skipSpace();
                Tok after = peek();
                if (after.type == T.PIPE) {
                    next();
                    continue;
                }
                if (after.type != end) {
                    throw err(after.pos, "unexpected \"" + after.val + "\" in operand");
                }
            }
            int endPos = toks.get(i - 1).pos;
            if (cmds.isEmpty()) {
                throw err(start, "missing value for " + context);
            }
            return new Pipe(start, text.substring(start, Math.max(start, endPos)).trim(), decl, isAssign, cmds);
        }

        Command command(T end) throws TemplateException {
            int start = peek().pos;
            List<Arg> args = new ArrayList<>();
            while (true) {
                skipSpace();
                Tok t = peek();
                if (t.type == end || t.type == T.PIPE) {
                    break;
                }
                if (t.type == T.EOF) {
                    throw err(t.pos, "unclosed action");
                }
                Arg a = operand();
                args.add(a);
                Tok after = peek();
                if (after.type != T.SPACE && after.type != end && after.type != T.PIPE) {
                    throw err(after.pos, "missing space? unexpected \"" + after.val + "\" in operand");
                }
            }
            if (args.isEmpty()) {
                throw err(start, "empty command");
            }
            int endPos = toks.get(i - 1).pos + toks.get(i - 1).val.length();
            return new Command(start, text.substring(start, endPos), args);
        }

        Arg operand() throws TemplateException {
            Arg term = term();
            if (peek().type == T.FIELD) {
                int chainPos = peek().pos;
                List<String> fields = new ArrayList<>();
                while (peek().type == T.FIELD) {
                    fields.add(next().val.substring(1));
                }
                int endPos = toks.get(i - 1).pos + toks.get(i - 1).val.length();
                String src = text.substring(term.pos(), endPos);
                if (term instanceof FieldArg f) {
                    List<String> all = new ArrayList<>(f.idents);
                    all.addAll(fields);
                    return new FieldArg(f.pos, src, all);
                }
                if (term instanceof VarArg v) {
                    List<String> all = new ArrayList<>(v.idents);
                    all.addAll(fields);
                    return new VarArg(chainPos, src, all); // Go positions a variable chain at its first field
                }
                if (term instanceof BoolArg || term instanceof StrArg || term instanceof NumArg || term instanceof DotArg
                        || term instanceof NilArg) {
                    throw err(term.pos(), "unexpected . after term \"" + term.source() + "\"");
                }
                return new ChainArg(term.pos(), src, term, fields);
            }
            return term;
        }

        Arg term() throws TemplateException {
            Tok t = next();
            switch (t.type) {
                case IDENT -> {
                    if (!functions.has(t.val)) {
                        throw err(t.pos, functions.unsupportedMessage(t.val));
                    }
                    return new IdentArg(t.pos, t.val, t.val);
                }
                case DOT -> {
                    return new DotArg(t.pos, ".");
                }
                case NIL -> {
                    return new NilArg(t.pos, "nil");
                }
                case VAR -> {
                    if (!declared(t.val)) {
                        throw err(t.pos, "undefined variable \"" + t.val + "\"");
                    }
                    return new VarArg(t.pos, t.val, new ArrayList<>(List.of(t.val)));
                }
                case FIELD -> {
                    List<String> idents = new ArrayList<>(List.of(t.val.substring(1)));
                    return new FieldArg(t.pos, t.val, idents);
                }
                case BOOL -> {
                    return new BoolArg(t.pos, t.val, t.val.equals("true"));
                }
                case NUMBER -> {
                    return number(t);
                }
                case CHAR -> {
                    String u = unquoteGo(t.val.substring(1, t.val.length() - 1), '\'', t.pos);
                    if (u.codePointCount(0, u.length()) != 1) {
                        throw err(t.pos, "malformed character constant: " + t.val);
                    }
                    return new NumArg(t.pos, t.val, (long) u.codePointAt(0), null, true);
                }
                case STRING -> {
                    return new StrArg(t.pos, t.val, unquote(t));
                }
                case LPAREN -> {
                    Pipe p = pipeline("parenthesized pipeline", T.RPAREN);
                    int endPos = toks.get(i - 1).pos + 1;
                    return new PipeArg(t.pos, text.substring(t.pos, endPos), p);
                }
                default -> throw err(t.pos, "unexpected \"" + t.val + "\" in operand");
            }
        }

        NumArg number(Tok t) throws TemplateException {
            String s = t.val;
            String clean = s.replace("_", "");
            java.math.BigInteger bi = GoYaml.goParseInt(clean);
            if (bi != null && bi.bitLength() <= 63) {
                return new NumArg(t.pos, s, bi.longValue(), null, false);
            }
            if (clean.matches("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?")) {
                double d = Double.parseDouble(clean);
                if (Double.isInfinite(d)) {
                    throw err(t.pos, "illegal number syntax: \"" + s + "\"");
                }
                if (d == Math.rint(d) && Math.abs(d) < 9.2e18 && !clean.contains(".") && !clean.toLowerCase().contains("e")) {
                    return new NumArg(t.pos, s, (long) d, null, false);
                }
                // Go: a float constant with an integral value is also an integer constant (e.g. 1e3)
                Long asInt = d == Math.rint(d) && Math.abs(d) < 9.2e18 ? (long) d : null;
                return new NumArg(t.pos, s, asInt, d, false);
            }
            throw err(t.pos, "illegal number syntax: \"" + s + "\"");
        }

        String unquote(Tok t) throws TemplateException {
            String v = t.val;
            if (v.startsWith("`")) {
                return v.substring(1, v.length() - 1);
            }
            return unquoteGo(v.substring(1, v.length() - 1), '"', t.pos);
        }

        String unquoteGo(String body, char quote, int pos) throws TemplateException {
            StringBuilder sb = new StringBuilder();
            java.io.ByteArrayOutputStream bytes = null;
            for (int k = 0; k < body.length(); k++) {
                char c = body.charAt(k);
                if (c != '\\') {
                    sb.append(c);
                    continue;
                }
                if (++k >= body.length()) {
                    throw err(pos, "invalid syntax");
                }
                char e = body.charAt(k);
                switch (e) {
                    case 'a' -> sb.append('\u0007');
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case 't' -> sb.append('\t');
                    case 'v' -> sb.append('\u000b');
                    case '\\' -> sb.append('\\');
                    case '\'', '"' -> {
                        if (e != quote) {
                            throw err(pos, "invalid syntax");
                        }
                        sb.append(e);
                    }
                    case 'x', 'u', 'U' -> {
                        int n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
                        if (k + n >= body.length() + 0 && k + n > body.length() - 1 + 1) {
                            throw err(pos, "invalid syntax");
                        }
                        String hex = body.substring(k + 1, Math.min(body.length(), k + 1 + n));
                        if (hex.length() != n || !hex.matches("[0-9a-fA-F]+")) {
                            throw err(pos, "invalid syntax");
                        }
                        int cp = Integer.parseUnsignedInt(hex, 16);
                        if (e == 'x' && cp >= 0x80) {
                            // a raw byte: only valid as part of UTF-8; approximate with Latin-1
                            sb.append((char) cp);
                        } else {
                            sb.appendCodePoint(cp);
                        }
                        k += n;
                    }
                    default -> {
                        if (e >= '0' && e <= '7' && k + 2 < body.length()) {
                            int cp = Integer.parseInt(body.substring(k, k + 3), 8);
                            sb.append((char) cp);
                            k += 2;
                        } else {
                            throw err(pos, "invalid syntax");
                        }
                    }
                }
            }
            if (bytes != null) {
                return sb.toString();
            }
            return sb.toString();
        }
    }

    // =========================================================================================================
    // Execution

    private static final class LoopControl extends RuntimeException {
        final String kind;
        final int pos;
        final String source;

        LoopControl(String kind, int pos, String source) {
            super(null, null, false, false);
            this.kind = kind;
            this.pos = pos;
            this.source = source;
        }
    }

    /** A variable binding. */
    private static final class Var {
        final String name;
        Object value;

        Var(String name, Object value) {
            this.name = name;
            this.value = value;
        }
    }

    final class Exec {
        final StringBuilder out = new StringBuilder();
        final List<Var> vars = new ArrayList<>();
        int steps;

        Exec(Object data) {
            vars.add(new Var("$", data));
        }

        TemplateException error(int pos, String source, String msg) {
            return new TemplateException("template: " + name + ":" + lineCol(text, pos) + ": executing \"" + name
                    + "\" at <" + source + ">: " + msg);
        }

        void step(int pos, String source) throws TemplateException {
            if (++steps > MAX_STEPS) {
                throw error(pos, source, "more than " + MAX_STEPS + " evaluation steps (a runaway loop?)");
            }
        }

        void emit(String s, int pos, String source) throws TemplateException {
            if (out.length() + s.length() > MAX_OUTPUT_CHARS) {
                throw error(pos, source, "output larger than " + MAX_OUTPUT_CHARS + " characters");
            }
            out.append(s);
        }

        void walkList(List<Node> list, Object dot, int depth) throws TemplateException {
            for (Node n : list) {
                walk(n, dot, depth);
            }
        }

        void walk(Node n, Object dot, int depth) throws TemplateException {
            if (n instanceof Text t) {
                emit(t.text, 0, "");
            } else if (n instanceof Action a) {
                step(a.pos, a.source);
                int mark = vars.size();
                Object v = evalPipeline(dot, a.pipe);
                if (a.pipe.decl.isEmpty()) {
                    emit(printValue(v), a.pos, a.source);
                }
                if (a.pipe.decl.isEmpty() || a.pipe.isAssign) {
                    trim(mark);
                }
            } else if (n instanceof If f) {
                checkDepth(depth, f.pos, f.source);
                int mark = vars.size();
                Object v = evalPipeline(dot, f.pipe);
                boolean t = GoValues.truth(v);
                if (t) {
                    walkList(f.list, f.isWith ? v : dot, depth + 1);
                } else if (f.elseList != null) {
                    walkList(f.elseList, dot, depth + 1);
                }
                trim(mark);
            } else if (n instanceof Range r) {
                checkDepth(depth, r.pos, r.source);
                walkRange(r, dot, depth);
            } else if (n instanceof TemplateCall tc) {
                checkDepth(depth, tc.pos, tc.source);
                List<Node> body = defines.get(tc.name);
                if (body == null) {
                    throw error(tc.pos, tc.source, "template: no template \"" + tc.name + "\" associated with template \""
                            + name + "\"");
                }
                Object newDot = tc.pipe == null ? null : evalPipeline(dot, tc.pipe);
                List<Var> saved = new ArrayList<>(vars);
                vars.clear();
                vars.add(new Var("$", newDot));
                try {
                    walkList(body, newDot, depth + 1);
                } finally {
                    vars.clear();
                    vars.addAll(saved);
                }
            } else if (n instanceof Break b) {
                throw new LoopControl("break", b.pos, b.source);
            } else if (n instanceof Continue c) {
                throw new LoopControl("continue", c.pos, c.source);
            }
        }

        void checkDepth(int depth, int pos, String source) throws TemplateException {
            if (depth >= MAX_EXEC_DEPTH) {
                throw error(pos, source, "exceeded maximum template depth (" + MAX_EXEC_DEPTH + ")");
            }
        }

        void trim(int mark) {
            while (vars.size() > mark) {
                vars.remove(vars.size() - 1);
            }
        }

        void walkRange(Range r, Object dot, int depth) throws TemplateException {
            int mark = vars.size();
            Object val = evalPipeline(dot, r.pipe);
            // the pipeline declared its variables (with the range value); we overwrite them per iteration
            int mark2 = vars.size();
            List<Object[]> items = new ArrayList<>();
            if (val instanceof List<?> l) {
                for (int k = 0; k < l.size(); k++) {
                    items.add(new Object[] {k, l.get(k)});
                }
            } else if (val instanceof Map<?, ?> m) {
                for (Map.Entry<String, Object> e : GoYaml.sorted(m).entrySet()) {
                    items.add(new Object[] {e.getKey(), e.getValue()});
                }
            } else if (GoValues.isInt(val)) {
                long nI = GoValues.toLong(val);
                if (nI > MAX_STEPS) {
                    throw error(r.pos, r.source, "range over " + nI + " exceeds " + MAX_STEPS + " iterations");
                }
                for (long k = 0; k < nI; k++) {
                    Object kv = val instanceof Integer ? (Object) (int) k : (Object) k;
                    items.add(new Object[] {kv, kv});
                }
            } else if (val == null) {
                // nothing to iterate
            } else {
                throw error(r.pos, r.source, "range can't iterate over " + GoValues.print(val));
            }
            if (items.isEmpty()) {
                trim(mark);
                if (r.elseList != null) {
                    walkList(r.elseList, dot, depth + 1);
                }
                return;
            }
            for (Object[] item : items) {
                step(r.pos, r.source);
                List<String> decl = r.pipe.decl;
                if (decl.size() == 1) {
                    setVar(decl.get(0), item[1], r.pipe.isAssign, mark2);
                } else if (decl.size() == 2) {
                    setVar(decl.get(0), item[0], r.pipe.isAssign, mark2 - 1);
                    setVar(decl.get(1), item[1], r.pipe.isAssign, mark2);
                }
                int iterMark = vars.size();
                try {
                    walkList(r.list, item[1], depth + 1);
                } catch (LoopControl lc) {
                    trim(iterMark);
                    if (lc.kind.equals("break")) {
                        break;
                    }
                    continue;
                }
                trim(iterMark);
            }
            trim(mark);
        }

        void setVar(String name, Object value, boolean assign, int upTo) {
            if (assign) {
                for (int k = vars.size() - 1; k >= 0; k--) {
                    if (vars.get(k).name.equals(name)) {
                        vars.get(k).value = value;
                        return;
                    }
                }
                return;
            }
            for (int k = Math.min(upTo, vars.size()) - 1; k >= 0; k--) {
                if (vars.get(k).name.equals(name)) {
                    vars.get(k).value = value;
                    return;
                }
            }
        }

        Object lookupVar(String name, int pos, String source) throws TemplateException {
            for (int k = vars.size() - 1; k >= 0; k--) {
                if (vars.get(k).name.equals(name)) {
                    return vars.get(k).value;
                }
            }
            throw error(pos, source, "undefined variable: " + name);
        }

        Object evalPipeline(Object dot, Pipe pipe) throws TemplateException {
            Object value = null;
            boolean hasFinal = false;
            for (Command c : pipe.cmds) {
                value = evalCommand(dot, c, value, hasFinal);
                hasFinal = true;
            }
            if (!pipe.decl.isEmpty()) {
                if (pipe.isAssign) {
                    setVar(pipe.decl.get(0), value, true, vars.size());
                } else {
                    for (String d : pipe.decl) {
                        vars.add(new Var(d, value));
                    }
                }
            }
            return value;
        }

        Object evalCommand(Object dot, Command cmd, Object fin, boolean hasFinal) throws TemplateException {
            Arg first = cmd.args.get(0);
            step(first.pos(), first.source());
            if (first instanceof FieldArg f) {
                return evalFieldChain(dot, dot, f, f.idents, cmd.args, fin, hasFinal);
            }
            if (first instanceof ChainArg ch) {
                Object recv = evalArgValue(dot, ch.node);
                return evalFieldChain(dot, recv, ch, ch.fields, cmd.args, fin, hasFinal);
            }
            if (first instanceof IdentArg id) {
                return evalFunction(dot, id, cmd.args, fin, hasFinal);
            }
            if (first instanceof VarArg v) {
                Object val = lookupVar(v.idents.get(0), v.pos, v.source);
                if (v.idents.size() == 1) {
                    notAFunction(cmd, hasFinal, v);
                    return val;
                }
                return evalFieldChain(dot, val, v, v.idents.subList(1, v.idents.size()), cmd.args, fin, hasFinal);
            }
            notAFunction(cmd, hasFinal, first);
            if (first instanceof PipeArg p) {
                int mark = vars.size();
                Object r = evalPipeline(dot, p.pipe);
                trim(mark);
                return r;
            }
            return evalArgValue(dot, first);
        }

        void notAFunction(Command cmd, boolean hasFinal, Arg a) throws TemplateException {
            if (cmd.args.size() > 1 || hasFinal) {
                throw error(a.pos(), a.source(), "can't give argument to non-function " + a.source());
            }
        }

        Object evalFieldChain(Object dot, Object receiver, Arg node, List<String> idents, List<Arg> args, Object fin,
                boolean hasFinal) throws TemplateException {
            Object cur = receiver;
            for (int k = 0; k < idents.size(); k++) {
                cur = evalField(cur, idents.get(k), node, k == idents.size() - 1 && (args.size() > 1 || hasFinal));
            }
            return cur;
        }

        Object evalField(Object receiver, String field, Arg node, boolean hasArgs) throws TemplateException {
            if (receiver instanceof Map<?, ?> m) {
                if (hasArgs) {
                    throw error(node.pos(), node.source(), field + " is not a method but has arguments");
                }
                if (!m.containsKey(field)) {
                    throw error(node.pos(), node.source(), "map has no entry for key \"" + field + "\"");
                }
                return m.get(field);
            }
            if (receiver == null) {
                throw error(node.pos(), node.source(), "nil data; no entry for key \"" + field + "\"");
            }
            throw error(node.pos(), node.source(), "can't evaluate field " + field + " in type "
                    + GoValues.typeName(receiver));
        }

        Object evalFunction(Object dot, IdentArg id, List<Arg> args, Object fin, boolean hasFinal)
                throws TemplateException {
            String fname = id.name;
            Functions.Func fn = functions.get(fname);
            List<Arg> argNodes = args.subList(1, args.size());
            int given = argNodes.size() + (hasFinal ? 1 : 0);
            Functions.P[] params = fn.params();
            int fixed = params.length;
            if (fn.variadic() == null) {
                if (given != fixed) {
                    throw error(id.pos, id.source, "wrong number of args for " + fname + ": want " + fixed + " got " + given);
                }
            } else if (given < fixed) {
                throw error(id.pos, id.source, "wrong number of args for " + fname + ": want at least " + fixed + " got "
                        + given);
            }
            if (fname.equals("and") || fname.equals("or")) {
                Object v = null;
                for (int k = 0; k < given; k++) {
                    v = k < argNodes.size() ? evalArgValue(dot, argNodes.get(k)) : fin;
                    boolean t = GoValues.truth(v);
                    if (fname.equals("and") ? !t : t) {
                        return v;
                    }
                }
                return v;
            }
            List<Object> argv = new ArrayList<>(given);
            for (int k = 0; k < given; k++) {
                Functions.P p = k < fixed ? params[k] : fn.variadic();
                if (k < argNodes.size()) {
                    argv.add(evalArg(dot, argNodes.get(k), p));
                } else {
                    argv.add(checkValue(fin, p, id));
                }
            }
            try {
                return fn.impl().call(argv);
            } catch (Functions.FuncError e) {
                throw error(id.pos, id.source, "error calling " + fname + ": " + e.getMessage());
            } catch (TemplateException e) {
                throw e;
            } catch (RuntimeException e) {
                throw error(id.pos, id.source, "error calling " + fname + ": " + e);
            }
        }

        /** An argument node converted to the parameter's Go type, as text/template's evalArg does. */
        Object evalArg(Object dot, Arg a, Functions.P p) throws TemplateException {
            if (p == Functions.P.RVALUE) {
                if (a instanceof NilArg) {
                    throw error(a.pos(), a.source(), "cannot assign nil to reflect.Value");
                }
                return evalArgValue(dot, a);
            }
            if (a instanceof NilArg && p == Functions.P.ANY) {
                return null;
            }
            if (p != Functions.P.ANY) {
                if (a instanceof NumArg n) {
                    switch (p) {
                        case INT, INT64 -> {
                            if (n.intValue == null) {
                                throw error(a.pos(), a.source(), "expected integer; found " + a.source());
                            }
                            return p == Functions.P.INT ? (Object) narrow(n.intValue) : (Object) n.intValue;
                        }
                        case FLOAT -> {
                            return n.floatValue != null ? n.floatValue : (double) n.intValue;
                        }
                        default -> throw error(a.pos(), a.source(), "expected " + p.goName + "; found " + a.source());
                    }
                }
                if (a instanceof StrArg s) {
                    if (p == Functions.P.STRING) {
                        return s.value;
                    }
                    throw error(a.pos(), a.source(), "expected " + p.goName + "; found " + a.source());
                }
                if (a instanceof BoolArg b) {
                    if (p == Functions.P.BOOL) {
                        return b.value;
                    }
                    throw error(a.pos(), a.source(), "expected " + p.goName + "; found " + a.source());
                }
                if (a instanceof NilArg) {
                    if (p == Functions.P.MAP || p == Functions.P.LIST) {
                        return null;
                    }
                    throw error(a.pos(), a.source(), "cannot assign nil to " + p.goName);
                }
            }
            return checkValue(evalArgValue(dot, a), p, a);
        }

        Object narrow(long v) {
            return v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE ? (Object) (int) v : (Object) v;
        }

        Object checkValue(Object v, Functions.P p, Arg at) throws TemplateException {
            boolean ok = switch (p) {
                case ANY, RVALUE -> true;
                case STRING -> v instanceof String;
                case INT -> v instanceof Integer;
                case INT64 -> v instanceof Long;
                case FLOAT -> v instanceof Double;
                case BOOL -> v instanceof Boolean;
                case MAP -> v instanceof Map<?, ?> && !(v instanceof GoValues.StringMap);
                case LIST -> v instanceof List<?> && !(v instanceof GoValues.StringList);
            };
            if (!ok) {
                if (v == null) {
                    if (p == Functions.P.MAP || p == Functions.P.LIST) {
                        return null;
                    }
                    throw error(at.pos(), at.source(), "invalid value; expected " + p.goName);
                }
                throw error(at.pos(), at.source(), "wrong type for value; expected " + p.goName + "; got "
                        + GoValues.typeName(v));
            }
            return v;
        }

        /** An argument's value, as for an interface{} parameter. */
        Object evalArgValue(Object dot, Arg a) throws TemplateException {
            if (a instanceof DotArg) {
                return dot;
            }
            if (a instanceof NilArg) {
                throw error(a.pos(), a.source(), "nil is not a command");
            }
            if (a instanceof BoolArg b) {
                return b.value;
            }
            if (a instanceof StrArg s) {
                return s.value;
            }
            if (a instanceof NumArg n) {
                if (n.isChar) {
                    return (int) (long) n.intValue; // a rune; printed as its number
                }
                if (n.floatValue != null && n.source.matches(".*[.eE].*") && !n.source.toLowerCase().startsWith("0x")) {
                    return n.floatValue;
                }
                return narrow(n.intValue);
            }
            if (a instanceof FieldArg f) {
                return evalFieldChain(dot, dot, f, f.idents, List.of(f), null, false);
            }
            if (a instanceof VarArg v) {
                Object val = lookupVar(v.idents.get(0), v.pos, v.source);
                if (v.idents.size() == 1) {
                    return val;
                }
                return evalFieldChain(dot, val, v, v.idents.subList(1, v.idents.size()), List.of(v), null, false);
            }
            if (a instanceof ChainArg ch) {
                Object recv = evalArgValue(dot, ch.node);
                return evalFieldChain(dot, recv, ch, ch.fields, List.of(ch), null, false);
            }
            if (a instanceof PipeArg p) {
                int mark = vars.size();
                Object r = evalPipeline(dot, p.pipe);
                trim(mark);
                return r;
            }
            if (a instanceof IdentArg id) {
                return evalFunction(dot, id, List.of(id), null, false);
            }
            throw error(a.pos(), a.source(), "can't handle " + a.source());
        }

        /** An action's value as text; a nil interface is an invalid value to text/template: "<no value>". */
        String printValue(Object v) {
            if (v == null) {
                return "<no value>";
            }
            return GoValues.print(v);
        }
    }
}
