package dev.herald.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Checks that an API package shows no implementation type: no public or protected signature of
 * a public class in it (superclass, interfaces, fields, constructors, methods, their type
 * parameters and exceptions) names a type from a package with {@code internal} in its name.
 * Herald's build runs it on every API package, so that internals stay free to change.
 * Thread-safe (stateless).
 */
public final class ApiBoundary {

    private ApiBoundary() {
    }

    /**
     * Every place where the public classes of a package, found in the class-path directory or jar
     * that holds {@code anchor}, name an internal type; empty when the boundary holds.
     *
     * @param anchor a class of the package to check
     * @return one line per violation, naming the member and the internal type
     */
    public static List<String> violations(Class<?> anchor) {
        String packageName = anchor.getPackageName();
        List<String> found = new ArrayList<>();
        for (Class<?> type : publicClassesOf(anchor)) {
            new Checker(type.getName(), found).visitClass(type);
        }
        return found.stream().map(v -> packageName + ": " + v).toList();
    }

    private static List<Class<?>> publicClassesOf(Class<?> anchor) {
        String pkg = anchor.getPackageName();
        URL location = anchor.getResource(anchor.getName().substring(pkg.length() + 1) + ".class");
        if (location == null) {
            throw new IllegalStateException("cannot find the class file of " + anchor.getName());
        }
        List<Class<?>> classes = new ArrayList<>();
        for (String file : classFilesBeside(location, pkg.replace('.', '/') + "/")) {
            Class<?> type = load(anchor, pkg + "." + file.substring(0, file.length() - ".class".length()));
            if (type != null && visible(type)) {
                classes.add(type);
            }
        }
        return classes;
    }

    /** The names of the class files in the directory or jar folder of {@code location}. */
    private static Set<String> classFilesBeside(URL location, String folder) {
        Set<String> names = new TreeSet<>();
        try {
            if ("jar".equals(location.getProtocol())) {
                JarURLConnection connection = (JarURLConnection) location.openConnection();
                connection.setUseCaches(false);
                try (JarFile jar = connection.getJarFile()) {
                    jar.stream().map(JarEntry::getName)
                            .filter(n -> n.startsWith(folder) && n.indexOf('/', folder.length()) < 0)
                            .forEach(n -> names.add(n.substring(folder.length())));
                }
            } else {
                try (Stream<Path> files = Files.list(Path.of(location.toURI()).getParent())) {
                    files.forEach(p -> names.add(p.getFileName().toString()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        names.removeIf(n -> !n.endsWith(".class") || n.equals("package-info.class"));
        return names;
    }

    private static @Nullable Class<?> load(Class<?> anchor, String binaryName) {
        try {
            return Class.forName(binaryName, false, anchor.getClassLoader());
        } catch (ClassNotFoundException e) {
            return null;
        }
    }

    /** Public, or protected inside a public class, all the way out. */
    private static boolean visible(Class<?> type) {
        if (type.isAnonymousClass() || type.isLocalClass() || type.isSynthetic()) {
            return false;
        }
        for (Class<?> c = type; c != null; c = c.getDeclaringClass()) {
            int m = c.getModifiers();
            if (!Modifier.isPublic(m) && !(c.getDeclaringClass() != null && Modifier.isProtected(m))) {
                return false;
            }
        }
        return true;
    }

    private static boolean exposed(Member member) {
        int m = member.getModifiers();
        return (Modifier.isPublic(m) || Modifier.isProtected(m)) && !member.isSynthetic();
    }

    /** Walks the signatures of one class. */
    private static final class Checker {
        private final String owner;
        private final List<String> found;
        private final Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());

        Checker(String owner, List<String> found) {
            this.owner = owner;
            this.found = found;
        }

        void visitClass(Class<?> type) {
            if (type.getGenericSuperclass() != null) {
                visit(type.getGenericSuperclass(), "extends");
            }
            for (Type i : type.getGenericInterfaces()) {
                visit(i, "implements");
            }
            for (TypeVariable<?> v : type.getTypeParameters()) {
                visit(v, "type parameter " + v.getName());
            }
            for (Field f : type.getDeclaredFields()) {
                if (exposed(f)) {
                    visit(f.getGenericType(), "field " + f.getName());
                }
            }
            for (Executable e : type.getDeclaredConstructors()) {
                visitExecutable(e, "constructor");
            }
            for (Method m : type.getDeclaredMethods()) {
                if (!m.isBridge()) {
                    visitExecutable(m, "method " + m.getName());
                }
            }
        }

        private void visitExecutable(Executable e, String what) {
            if (!exposed(e)) {
                return;
            }
            if (e instanceof Method m) {
                visit(m.getGenericReturnType(), what + " returns");
            }
            for (Type p : e.getGenericParameterTypes()) {
                visit(p, what + " parameter");
            }
            for (Type x : e.getGenericExceptionTypes()) {
                visit(x, what + " throws");
            }
            for (TypeVariable<?> v : e.getTypeParameters()) {
                visit(v, what + " type parameter");
            }
        }

        private void visit(Type type, String where) {
            if (type instanceof Class<?> c) {
                Class<?> base = c;
                while (base.isArray()) {
                    base = base.getComponentType();
                }
                if (base.getPackageName().matches("(.*\\.)?internal(\\..*)?")) {
                    found.add(owner + " " + where + " " + base.getName());
                }
            } else if (type instanceof ParameterizedType p) {
                visit(p.getRawType(), where);
                for (Type a : p.getActualTypeArguments()) {
                    visit(a, where);
                }
            } else if (type instanceof WildcardType w) {
                for (Type b : w.getUpperBounds()) {
                    visit(b, where);
                }
                for (Type b : w.getLowerBounds()) {
                    visit(b, where);
                }
            } else if (type instanceof GenericArrayType a) {
                visit(a.getGenericComponentType(), where);
            } else if (type instanceof TypeVariable<?> v && seen.add(v)) {
                for (Type b : v.getBounds()) {
                    visit(b, where);
                }
            }
        }
    }
}
