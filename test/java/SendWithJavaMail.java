// Sends one message through each .properties file named on the command line, the way Teaming does:
// Properties.load(InputStream), Session.getInstance(props), the transport named by
// mail.transport.protocol, connected with the file's host, port, user and password (the password is
// read from the file, never from the command line); From = Teaming's default sender
// (JavaMailSenderImpl.getDefaultFrom(): ssf.outgoing.from.address, else the configured user as written), To = RECIPIENT.
// Trust is the JVM's, as in Teaming: -Djavax.net.ssl.trustStore=… when the test gives one.
// Prints one JSON line a file: {"file":…,"sent":true} or {"file":…,"sent":false,"error":"…"}, the
// error being the exception and its causes, "A: message <- B: message" (a cause that repeats the one before left out).
// Run: java -cp /usr/share/java/javax.mail.jar SendWithJavaMail.java RECIPIENT FILE…
import java.io.FileInputStream;
import java.io.InputStream;
import java.util.Properties;
import javax.mail.Message;
import javax.mail.Session;
import javax.mail.Transport;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;

public class SendWithJavaMail {
  static String json(String text) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      if (c == '"' || c == '\\') out.append('\\').append(c);
      else if (c >= 0x20 && c < 0x7f) out.append(c);
      else out.append(String.format("\\u%04x", (int) c));
    }
    return out.append('"').toString();
  }

  /** The class and its own message (MessagingException.toString() would repeat its causes). */
  static String describe(Throwable error) {
    return error.getClass().getName() + (error.getMessage() == null ? "" : ": " + error.getMessage());
  }

  static void send(String file, String recipient) throws Exception {
    Properties props = new Properties();
    try (InputStream in = new FileInputStream(file)) {
      props.load(in);
    }
    String protocol = props.getProperty("mail.transport.protocol", "smtp");
    String prefix = "mail." + protocol + ".";
    String host = props.getProperty(prefix + "host");
    int port = Integer.parseInt(props.getProperty(prefix + "port", "-1"));
    boolean auth = "true".equalsIgnoreCase(props.getProperty(prefix + "auth"));
    String user = props.getProperty(prefix + "user");
    String password = props.getProperty(prefix + "password");

    Session session = Session.getInstance(props);
    MimeMessage message = new MimeMessage(session);
    String sender = props.getProperty("ssf.outgoing.from.address", user);
    message.setFrom(new InternetAddress(sender != null ? sender : "teaming@localhost"));
    message.setRecipients(Message.RecipientType.TO, recipient);
    message.setSubject("Sent by JavaMail " + Session.class.getPackage().getImplementationVersion());
    message.setText("Loaded from " + file + "\r\n");
    message.saveChanges();
    Transport transport = session.getTransport(protocol);
    try {
      transport.connect(host, port, auth ? user : null, auth ? password : null);
      transport.sendMessage(message, message.getAllRecipients());
    } finally {
      transport.close();
    }
  }

  public static void main(String[] args) {
    StringBuilder out = new StringBuilder();
    for (int index = 1; index < args.length; index++) {
      String file = args[index];
      out.append("{\"file\":").append(json(file));
      try {
        send(file, args[0]);
        out.append(",\"sent\":true}\n");
      } catch (Exception error) {
        StringBuilder chain = new StringBuilder(describe(error));
        String last = describe(error);
        for (Throwable cause = error.getCause(); cause != null && chain.length() < 2000; cause = cause.getCause()) {
          if (!describe(cause).equals(last)) chain.append(" <- ").append(describe(cause));
          last = describe(cause);
        }
        out.append(",\"sent\":false,\"error\":").append(json(chain.toString())).append("}\n");
      }
    }
    System.out.print(out);
  }
}
