"""A Vision Transformer in the style of pytorch/examples' vision_transformer (written for this
test suite): images cut into patches with Tensor.unfold, a class token and learned positions,
encoder blocks of nn.LayerNorm / nn.MultiheadAttention / a GELU MLP, trained with AdamW and a
cosine schedule on an ImageFolder; prints each epoch's loss and accuracy."""
import argparse

import torch
import torch.nn as nn
import torch.nn.functional as F
from torchvision import datasets, transforms


class PatchExtractor(nn.Module):
    def __init__(self, patch_size=4):
        super().__init__()
        self.patch_size = patch_size

    def forward(self, images):
        b, c, h, w = images.size()
        p = self.patch_size
        assert h % p == 0 and w % p == 0, "image size must be divisible by the patch size"
        patches = images.unfold(2, p, p).unfold(3, p, p)  # b, c, h/p, w/p, p, p
        patches = patches.permute(0, 2, 3, 1, 4, 5).contiguous()
        return patches.view(b, -1, c * p * p)


class InputEmbedding(nn.Module):
    def __init__(self, args):
        super().__init__()
        self.patch_dim = args.n_channels * args.patch_size ** 2
        self.num_patches = (args.img_size // args.patch_size) ** 2
        self.patches = PatchExtractor(args.patch_size)
        self.projection = nn.Linear(self.patch_dim, args.latent_size)
        self.class_token = nn.Parameter(torch.randn(1, 1, args.latent_size))
        self.pos_embedding = nn.Parameter(torch.randn(1, self.num_patches + 1, args.latent_size))

    def forward(self, images):
        x = self.projection(self.patches(images))
        tokens = self.class_token.expand(x.size(0), -1, -1)
        return torch.cat([tokens, x], dim=1) + self.pos_embedding


class EncoderBlock(nn.Module):
    def __init__(self, args):
        super().__init__()
        self.norm1 = nn.LayerNorm(args.latent_size)
        self.attention = nn.MultiheadAttention(args.latent_size, args.num_heads,
                                               dropout=args.dropout, batch_first=True)
        self.norm2 = nn.LayerNorm(args.latent_size)
        self.mlp = nn.Sequential(nn.Linear(args.latent_size, args.latent_size * 4), nn.GELU(),
                                 nn.Dropout(args.dropout),
                                 nn.Linear(args.latent_size * 4, args.latent_size),
                                 nn.Dropout(args.dropout))

    def forward(self, x):
        y = self.norm1(x)
        x = x + self.attention(y, y, y, need_weights=False)[0]
        return x + self.mlp(self.norm2(x))


class ViT(nn.Module):
    def __init__(self, args):
        super().__init__()
        self.embedding = InputEmbedding(args)
        self.encoders = nn.Sequential(*[EncoderBlock(args) for _ in range(args.num_encoders)])
        self.head = nn.Sequential(nn.LayerNorm(args.latent_size),
                                  nn.Linear(args.latent_size, args.num_classes))

    def forward(self, images):
        return self.head(self.encoders(self.embedding(images))[:, 0])


def main():
    parser = argparse.ArgumentParser(description="Vision Transformer")
    parser.add_argument("--data", required=True)
    parser.add_argument("--img-size", type=int, default=32)
    parser.add_argument("--patch-size", type=int, default=4)
    parser.add_argument("--n-channels", type=int, default=3)
    parser.add_argument("--latent-size", type=int, default=64)
    parser.add_argument("--num-heads", type=int, default=4)
    parser.add_argument("--num-encoders", type=int, default=2)
    parser.add_argument("--dropout", type=float, default=0.1)
    parser.add_argument("--num-classes", type=int, default=2)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--weight-decay", type=float, default=3e-2)
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    torch.manual_seed(args.seed)

    transform = transforms.Compose([transforms.Resize(args.img_size),
                                    transforms.RandomHorizontalFlip(), transforms.ToTensor(),
                                    transforms.Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5))])
    dataset = datasets.ImageFolder(args.data, transform)
    loader = torch.utils.data.DataLoader(dataset, batch_size=args.batch_size, shuffle=True)
    model = ViT(args)
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr,
                                  weight_decay=args.weight_decay)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, args.epochs)
    for epoch in range(1, args.epochs + 1):
        model.train()
        total, correct = 0.0, 0
        for images, labels in loader:
            optimizer.zero_grad()
            logits = model(images)
            loss = F.cross_entropy(logits, labels)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(labels)
            correct += (logits.argmax(1) == labels).sum().item()
        scheduler.step()
        print(f"Epoch {epoch}: loss {total / len(dataset):.4f}, accuracy "
              f"{correct / len(dataset):.4f}, lr {scheduler.get_last_lr()[0]:.6f}")
    model.eval()
    with torch.no_grad():
        print("eval logits:", model(next(iter(loader))[0][:2]))
    torch.save(model.state_dict(), "vit.pt")


if __name__ == "__main__":
    main()
