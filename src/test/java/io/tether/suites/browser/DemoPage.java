package io.tether.suites.browser;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** One headless Chromium (Debian's, through its chromedriver) showing the demo page, driven like a person would. */
final class DemoPage implements AutoCloseable {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  private final ChromeDriver driver;
  private final Path profile;
  private final String name;

  DemoPage(String name, int port) throws IOException {
    this.name = name;
    this.profile = Files.createTempDirectory("tether-chromium-");
    ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile());
    // The machine's network is closed: without these flags Chromium keeps calling home and being refused.
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
        "--window-size=1000,900", "--user-data-dir=" + profile);
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
    driver = new ChromeDriver(service, options);
    driver.get("http://127.0.0.1:" + port + "/");
  }

  void signUp(String email, String displayName) {
    signUp(email, "a long enough password", displayName);
  }

  void signUp(String email, String password, String displayName) {
    type("email", email);
    type("password", password);
    type("display-name", displayName);
    click("signup");
    await("signed in", d -> text("me").equals(displayName));
  }

  void logIn(String email, String password) {
    type("email", email);
    type("password", password);
    click("login");
    await("logged in", d -> driver.findElement(By.id("spaces")).isDisplayed());
  }

  void logOut() {
    click("logout");
    await("logged out", d -> driver.findElement(By.id("signin")).isDisplayed() && !driver.findElement(By.id("spaces")).isDisplayed());
  }

  /** Whether the element with this id is shown (not hidden by the page or its stylesheet). */
  boolean shown(String id) {
    return driver.findElement(By.id(id)).isDisplayed();
  }

  String joinBox() {
    return driver.findElement(By.id("join-code")).getDomProperty("value");
  }

  /** A screenshot of what the page shows now, kept under target/browser-evidence. */
  Path screenshot(String label) throws IOException {
    File shot = driver.getScreenshotAs(OutputType.FILE);
    Path dir = Files.createDirectories(Path.of("target", "browser-evidence"));
    Path kept = dir.resolve(label + ".png");
    Files.copy(shot.toPath(), kept, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    return kept;
  }

  String userId() {
    return driver.findElement(By.id("me")).getDomAttribute("data-user-id");
  }

  /** Creates a space named {@code space} (the server makes its id) and answers the id. */
  String create(String space) {
    type("new-space", space);
    click("create");
    await("space " + space + " open", d -> text("space-name").equals(space) && driver.findElement(By.id("list")).isDisplayed());
    return driver.findElement(By.id("space-name")).getDomAttribute("data-space-id");
  }

  /** The names on the spaces list. */
  @SuppressWarnings("unchecked")
  List<String> mySpaces() {
    return (List<String>) driver.executeScript("return [...document.querySelectorAll('#my-spaces .my-space')].map(e => e.textContent)");
  }

  void deleteSpace() {
    click("delete-space");
  }

  /** Deletes the account with its password, saying yes to the page's "are you sure". */
  void deleteAccount() {
    driver.findElement(By.cssSelector("#account summary")).click(); // it sits folded away, under Account
    type("delete-password", "a long enough password");
    click("delete-account");
    new WebDriverWait(driver, Duration.ofSeconds(5)).until(d -> d.switchTo().alert()).accept();
    await("account deleted", d -> message().equals("Your account is deleted")
        && driver.findElement(By.id("signin")).isDisplayed() && !driver.findElement(By.id("spaces")).isDisplayed());
  }

  boolean listShown() {
    return driver.findElement(By.id("list")).isDisplayed();
  }

  String message() {
    return text("message");
  }

  /** Makes an invite link for the open space and answers it. */
  String invite() {
    click("invite");
    await("invite link shown", d -> driver.findElement(By.id("invite-link")).isDisplayed()
        && !driver.findElement(By.id("invite-link")).getDomProperty("value").isEmpty());
    return driver.findElement(By.id("invite-link")).getDomProperty("value");
  }

  /** Joins by an invite link; the space it is for opens. */
  void join(String link, String space) {
    type("join-code", link);
    click("join");
    await("joined " + space, d -> text("space-name").equals(space) && driver.findElement(By.id("list")).isDisplayed());
  }

  void leave() {
    click("leave");
    await("left", d -> !driver.findElement(By.id("list")).isDisplayed() && driver.findElement(By.id("spaces")).isDisplayed());
  }

  void add(String item) {
    type("new-item", item);
    click("add");
  }

  void edit(String from, String to) {
    WebElement input = itemInputs().stream().filter(e -> from.equals(e.getDomProperty("value"))).findFirst()
        .orElseThrow(() -> new AssertionError(name + " has no item " + from));
    input.sendKeys(Keys.chord(Keys.CONTROL, "a"), to, Keys.ENTER);
  }

  void delete(String item) {
    List<WebElement> rows = driver.findElements(By.cssSelector("#items li"));
    rows.stream().filter(li -> item.equals(li.findElement(By.className("item-text")).getDomProperty("value"))).findFirst()
        .orElseThrow(() -> new AssertionError(name + " has no item " + item))
        .findElement(By.className("delete")).click();
  }

  /** Read in one script, so a render between two reads cannot leave a stale element. */
  @SuppressWarnings("unchecked")
  List<String> items() {
    List<String> values = (List<String>) driver.executeScript(
        "return [...document.querySelectorAll('#items .item-text')].map(e => e.value)");
    return values.stream().sorted().toList();
  }

  /** The names the presence chips show. */
  @SuppressWarnings("unchecked")
  Set<String> presentNames() {
    List<String> names = (List<String>) driver.executeScript(
        "return [...document.querySelectorAll('#presence .member')].map(e => e.textContent)");
    return Set.copyOf(names);
  }

  @SuppressWarnings("unchecked")
  Set<String> present() {
    List<String> ids = (List<String>) driver.executeScript(
        "return [...document.querySelectorAll('#presence .member')].map(e => e.dataset.userId)");
    return Set.copyOf(ids);
  }

  /** Users shown as typing. */
  @SuppressWarnings("unchecked")
  Set<String> typing() {
    List<String> ids = (List<String>) driver.executeScript(
        "return [...document.querySelectorAll('#presence .member.typing')].map(e => e.dataset.userId)");
    return Set.copyOf(ids);
  }

  /** Adds what was typed into the new-item box. */
  void submitNewItem() {
    click("add");
  }

  /** Types into the new-item box without adding it. */
  void startTyping(String text) {
    driver.findElement(By.id("new-item")).sendKeys(text);
  }

  String status() {
    return text("status");
  }

  String pending() {
    return text("pending");
  }

  /** The demo's own "Go offline" / "Go online" switch (TetherClient.pause/resume). */
  void toggleOnline() {
    click("toggle-online");
  }

  <T> T await(String what, Function<WebDriver, T> condition) {
    return await(what, Duration.ofSeconds(10), condition);
  }

  <T> T await(String what, Duration timeout, Function<WebDriver, T> condition) {
    return new WebDriverWait(driver, timeout, Duration.ofMillis(20)).withMessage(() -> name + ": " + what)
        .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
        .until(d -> {
          T result = condition.apply(d);
          return result instanceof Boolean b && !b ? null : result;
        });
  }

  /** A screenshot and the page's text, for a failure's post-mortem (under target/). */
  void saveEvidence(String label) {
    try {
      File shot = driver.getScreenshotAs(OutputType.FILE);
      Path dir = Files.createDirectories(Path.of("target", "browser-evidence"));
      Files.copy(shot.toPath(), dir.resolve(label + "-" + name + ".png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      Files.writeString(dir.resolve(label + "-" + name + ".html"), driver.getPageSource());
    } catch (RuntimeException | IOException e) {
      System.err.println("No evidence from " + name + ": " + e);
    }
  }

  private List<WebElement> itemInputs() {
    return driver.findElements(By.cssSelector("#items .item-text"));
  }

  private String text(String id) {
    return driver.findElement(By.id(id)).getText().trim();
  }

  private void type(String id, String value) {
    WebElement input = driver.findElement(By.id(id));
    input.clear();
    input.sendKeys(value);
  }

  private void click(String id) {
    driver.findElement(By.id(id)).click();
  }

  @Override
  public void close() {
    driver.quit();
    try (var files = Files.walk(profile)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary profile left behind is harmless
    }
  }
}
