// Loads each .properties file named on the command line the two ways Java can, and prints one JSON
// line a file: {"file":…,"stream":{…},"reader":{…}} — `stream` is Properties.load(InputStream)
// (ISO-8859-1), `reader` is Properties.load(Reader) over UTF-8. A load that fails gives
// {"error":"…"} in place of the map. Keys are sorted; every character outside printable ASCII is
// written as a backslash-u escape, so lone surrogates survive. Run: java LoadProperties.java FILE…
import java.io.FileInputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.TreeSet;

public class LoadProperties {
  interface Loader {
    void load(Properties properties, String file) throws Exception;
  }

  static String json(String text) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      if (c == '"' || c == '\\') out.append('\\').append(c);
      else if (c >= 0x20 && c < 0x7f) out.append(c);
      else out.append(String.format("\\u%04x", (int) c));
    }
    return out.append('"').toString();
  }

  static String load(String file, Loader loader) {
    Properties properties = new Properties();
    try {
      loader.load(properties, file);
    } catch (Exception error) {
      return "{\"error\":" + json(String.valueOf(error)) + "}";
    }
    StringBuilder out = new StringBuilder("{");
    for (String key : new TreeSet<>(properties.stringPropertyNames())) {
      if (out.length() > 1) out.append(',');
      out.append(json(key)).append(':').append(json(properties.getProperty(key)));
    }
    return out.append('}').toString();
  }

  public static void main(String[] args) {
    StringBuilder out = new StringBuilder();
    for (String file : args) {
      String stream = load(file, (properties, name) -> {
        try (InputStream in = new FileInputStream(name)) {
          properties.load(in);
        }
      });
      String reader = load(file, (properties, name) -> {
        try (Reader in = new InputStreamReader(new FileInputStream(name), StandardCharsets.UTF_8)) {
          properties.load(in);
        }
      });
      out.append("{\"file\":").append(json(file)).append(",\"stream\":").append(stream).append(",\"reader\":").append(reader).append("}\n");
    }
    System.out.print(out);
  }
}
