using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ControlCenter.Kafka.Demo;

/// <summary>Believable JSON records for the demo topics: a uuid key and a JSON value, like a real service emits.</summary>
internal static class DemoRecords
{
    private static readonly string[] Skus = ["SKU-1001", "SKU-1002", "SKU-2040", "SKU-3177", "SKU-4096", "SKU-5150", "SKU-7331"];
    private static readonly string[] Currencies = ["EUR", "USD", "GBP"];
    private static readonly string[] Pages = ["/", "/search", "/product/1002", "/product/4096", "/cart", "/checkout"];
    private static readonly string[] Methods = ["card", "paypal", "bank-transfer"];

    public static (byte[] Key, byte[] Value) Order(Random random, DateTimeOffset now)
    {
        var id = Guid.NewGuid();
        var items = Enumerable.Range(0, random.Next(1, 4)).Select(_ => new
        {
            sku = Skus[random.Next(Skus.Length)],
            qty = random.Next(1, 5),
            price = Math.Round(random.NextDouble() * 90 + 5, 2),
        }).ToList();
        var value = new
        {
            orderId = id,
            customerId = $"customer-{random.Next(1, 500):D3}",
            items,
            total = Math.Round(items.Sum(i => i.qty * i.price), 2),
            currency = Currencies[random.Next(Currencies.Length)],
            status = "created",
            createdAt = now.ToString("O", CultureInfo.InvariantCulture),
        };
        return (Encoding.UTF8.GetBytes(id.ToString()), JsonSerializer.SerializeToUtf8Bytes(value));
    }

    public static (byte[] Key, byte[] Value) Payment(Random random, DateTimeOffset now)
    {
        var id = Guid.NewGuid();
        var value = new
        {
            paymentId = id,
            orderId = Guid.NewGuid(),
            amount = Math.Round(random.NextDouble() * 250 + 5, 2),
            method = Methods[random.Next(Methods.Length)],
            approved = random.NextDouble() > 0.03,
            at = now.ToString("O", CultureInfo.InvariantCulture),
        };
        return (Encoding.UTF8.GetBytes(id.ToString()), JsonSerializer.SerializeToUtf8Bytes(value));
    }

    public static (byte[] Key, byte[] Value) Click(Random random, DateTimeOffset now)
    {
        var session = Guid.NewGuid();
        var value = new
        {
            sessionId = session,
            page = Pages[random.Next(Pages.Length)],
            userAgent = random.NextDouble() > 0.5 ? "Mozilla/5.0 (X11; Linux x86_64)" : "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0)",
            durationMs = random.Next(20, 4000),
            at = now.ToString("O", CultureInfo.InvariantCulture),
        };
        return (Encoding.UTF8.GetBytes(session.ToString()), JsonSerializer.SerializeToUtf8Bytes(value));
    }
}
