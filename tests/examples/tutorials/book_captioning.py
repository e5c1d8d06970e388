# 手把手教你用PyTorch实现图像描述 (seed 000): the PyTorch basics of its first half (Tensor,
# Variable and autograd, requires_grad to fine-tune a ResNet-18's last layer, volatile, the
# LeNet-style Net, a loss's grad_fn chain, SGD), the character-level RNN that classifies names,
# then the captioning model its title promises (the text stops before it): a CNN encoder and an
# LSTM decoder trained with pack_padded_sequence, captions sampled greedily and by beam search.
# Changes: manual seeds; torch.Tensor(5, 3)'s uninitialised values not printed (its size is);
# resnet18() with seeded random weights for resnet18(pretrained=True) and 64x64 images (no
# download); the MSELoss target made float and (1, 10) as the loss needs today; loss.item() for
# loss.data[0] (a 0-dim tensor since PyTorch 0.4); the names under ./data/names written by the
# test (a few short files, not the 18 languages); 600 training steps instead of 100000 and no
# times printed; the captioning data: random images and a six-word vocabulary whose captions
# follow the images' brightest channel.
import glob
import math
import random
import string
import unicodedata

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
import torchvision
from torch.autograd import Variable
from torch.nn.utils.rnn import pack_padded_sequence

torch.manual_seed(0)
random.seed(0)

# ---- Tensor ----
x = torch.Tensor(5, 3)
print(x.size())
y = torch.rand(5, 3)
if torch.cuda.is_available():
    x = x.cuda()
    y = y.cuda()
print(x.zero_() + y)

# ---- Autograd: Variable, Gradient ----
x = Variable(torch.ones(2, 2), requires_grad=True)
y = x + 2
z = y * y * 3
out = z.mean()
out.backward()  # 计算所有的dout/dz,dout/dy,dout/dx
print(x.grad)  # x.grad就是dout/dx

# ---- requires_grad 和 volatile ----
x = Variable(torch.randn(5, 5))
y = Variable(torch.randn(5, 5))
z = Variable(torch.randn(5, 5), requires_grad=True)
a = x + y
print(a.requires_grad)
b = a + z
print(b.requires_grad)

model = torchvision.models.resnet18()
for param in model.parameters():
    param.requires_grad = False
# 把最后一个全连接层替换成新构造的全连接层
model.fc = nn.Linear(512, 100)
# 优化器只调整新构造的全连接层的参数。
optimizer = optim.SGD(model.fc.parameters(), lr=1e-2, momentum=0.9)
print(sum(p.numel() for p in model.parameters() if p.requires_grad))

regular_input = Variable(torch.randn(1, 3, 64, 64))
with torch.no_grad():  # volatile=True is gone: no_grad is its replacement
    volatile_out = model(regular_input)
print(model(regular_input).requires_grad)
print(volatile_out.requires_grad, volatile_out.grad_fn is None)


# ---- 神经网络 ----
class Net(nn.Module):  # 必须集成nn.Module

    def __init__(self):
        super(Net, self).__init__()  # 必须调用父类的构造函数,传入类名和self
        # 输入是1个通道(灰度图),卷积feature map的个数是6,大小是5x5,无padding,stride是1
        self.conv1 = nn.Conv2d(1, 6, 5)
        # 第二个卷积层feature map个数是16,大小还是5*5,无padding,stride是1。
        self.conv2 = nn.Conv2d(6, 16, 5)
        # 仿射层y = Wx + b,ReLu层没有参数,因此不在这里定义
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        # 卷积然后Relu然后2x2的max pooling
        x = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))
        # 再一层卷积relu和max pooling
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        # 把batch x channel x width x height 展开成batch x all_nodes
        x = x.view(-1, self.num_flat_features(x))
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = self.fc3(x)
        return x

    def num_flat_features(self, x):
        size = x.size()[1:]  # 除了batchSize之外的其它维度
        num_features = 1
        for s in size:
            num_features *= s
        return num_features


net = Net()
print(net)

params = list(net.parameters())
print(len(params))
print(params[0].size())  # conv1's .weight

input = Variable(torch.randn(1, 1, 32, 32))
out = net(input)
print(out)

net.zero_grad()
out.backward(torch.randn(1, 10))

# ---- 损失函数 ----
output = net(input)
target = Variable(torch.arange(1, 11).float()).view(1, -1)  # 只是示例
criterion = nn.MSELoss()
loss = criterion(output, target)
print(loss)

print(loss.grad_fn)  # MSELoss
print(loss.grad_fn.next_functions[0][0])  # Linear
print(loss.grad_fn.next_functions[0][0].next_functions[0][0])  # ReLU

# ---- 梯度计算 ----
net.zero_grad()  # 记得清零。
print('conv1.bias.grad before backward')
print(net.conv1.bias.grad)
loss.backward()
print('conv1.bias.grad after backward')
print(net.conv1.bias.grad)

# ---- 更新参数 ----
learning_rate = 0.01
for f in net.parameters():
    f.data.sub_(f.grad.data * learning_rate)

optimizer = optim.SGD(net.parameters(), lr=0.01)
optimizer.zero_grad()  # 清零
output = net(input)
loss = criterion(output, target)
loss.backward()
optimizer.step()  # 更新参数
print(criterion(net(input), target))

# ---- 姓名分类: 数据准备 ----
all_filenames = sorted(glob.glob('data/names/*.txt'))
print(all_filenames)

all_letters = string.ascii_letters + " .,;'"
n_letters = len(all_letters)


# http://stackoverflow.com/a/518232/2809427
def unicode_to_ascii(s):
    return ''.join(
        c for c in unicodedata.normalize('NFD', s)
        if unicodedata.category(c) != 'Mn'
        and c in all_letters
    )


print(unicode_to_ascii('Ślusàrski'))

category_lines = {}
all_categories = []


def readLines(filename):
    lines = open(filename, encoding='utf-8').read().strip().split('\n')
    return [unicode_to_ascii(line) for line in lines]


for filename in all_filenames:
    category = filename.split('/')[-1].split('.')[0]
    all_categories.append(category)
    lines = readLines(filename)
    category_lines[category] = lines

n_categories = len(all_categories)
print('n_categories =', n_categories)


# 把一个字母变成<1 x n_letters> Tensor
def letter_to_tensor(letter):
    tensor = torch.zeros(1, n_letters)
    letter_index = all_letters.find(letter)
    tensor[0][letter_index] = 1
    return tensor


# 把一行(名字)转换成<line_length x 1 x n_letters>的Tensor
def line_to_tensor(line):
    tensor = torch.zeros(len(line), 1, n_letters)
    for li, letter in enumerate(line):
        letter_index = all_letters.find(letter)
        tensor[li][0][letter_index] = 1
    return tensor


print(letter_to_tensor('J'))
print(line_to_tensor('Jones').size())


class RNN(nn.Module):
    def __init__(self, input_size, hidden_size, output_size):
        super(RNN, self).__init__()

        self.input_size = input_size
        self.hidden_size = hidden_size
        self.output_size = output_size

        self.i2h = nn.Linear(input_size + hidden_size, hidden_size)
        self.i2o = nn.Linear(input_size + hidden_size, output_size)
        self.softmax = nn.LogSoftmax(dim=1)

    def forward(self, input, hidden):
        combined = torch.cat((input, hidden), 1)
        hidden = self.i2h(combined)
        output = self.i2o(combined)
        output = self.softmax(output)
        return output, hidden

    def init_hidden(self):
        return Variable(torch.zeros(1, self.hidden_size))


n_hidden = 128
rnn = RNN(n_letters, n_hidden, n_categories)

input = Variable(line_to_tensor('Albert'))
hidden = Variable(torch.zeros(1, n_hidden))

output, next_hidden = rnn(input[0], hidden)
print(output)


def category_from_output(output):
    top_n, top_i = output.data.topk(1)  # Tensor out of Variable with .data
    category_i = top_i[0][0]
    return all_categories[category_i], category_i


print(category_from_output(output))


def random_training_pair():
    category = random.choice(all_categories)
    line = random.choice(category_lines[category])
    category_tensor = Variable(torch.LongTensor([all_categories.index(category)]))
    line_tensor = Variable(line_to_tensor(line))
    return category, line, category_tensor, line_tensor


for i in range(10):
    category, line, category_tensor, line_tensor = random_training_pair()
    print('category =', category, '/ line =', line)

criterion = nn.NLLLoss()
learning_rate = 0.005
optimizer = torch.optim.SGD(rnn.parameters(), lr=learning_rate)


def train(category_tensor, line_tensor):
    rnn.zero_grad()
    hidden = rnn.init_hidden()

    for i in range(line_tensor.size()[0]):
        output, hidden = rnn(line_tensor[i], hidden)

    loss = criterion(output, category_tensor)
    loss.backward()

    optimizer.step()
    return output, loss.item()


n_epochs = 600
print_every = 100
plot_every = 50

current_loss = 0
all_losses = []

for epoch in range(1, n_epochs + 1):
    # 随机选择一个样本
    category, line, category_tensor, line_tensor = random_training_pair()
    output, loss = train(category_tensor, line_tensor)
    current_loss += loss

    if epoch % print_every == 0:
        guess, guess_i = category_from_output(output)
        correct = '✓' if guess == category else '✗ (%s)' % category
        print('%d %d%% %.4f %s / %s %s' % (epoch, epoch / n_epochs * 100, loss, line, guess,
                                           correct))

    if epoch % plot_every == 0:
        all_losses.append(current_loss / plot_every)
        current_loss = 0

print(['%.4f' % l for l in all_losses])


def evaluate(line_tensor):
    hidden = rnn.init_hidden()
    for i in range(line_tensor.size()[0]):
        output, hidden = rnn(line_tensor[i], hidden)
    return output


with torch.no_grad():
    for name in ['Dovesky', 'Jackson', 'Satoshi']:
        output = evaluate(line_to_tensor(name))
        topv, topi = output.topk(2, 1, True)
        print(name, [(all_categories[topi[0][i]], '%.2f' % topv[0][i].item()) for i in range(2)])

# ---- 图像描述: CNN编码器 + LSTM解码器 ----
vocab = ['<pad>', '<start>', '<end>', 'a', 'red', 'green', 'blue', 'picture']
word2idx = {w: i for i, w in enumerate(vocab)}
colours = ['red', 'green', 'blue']


def fake_batch(n):
    """Random 64x64 images, one channel raised, and their captions: 'a <colour> picture'
    (or 'a picture' when the raise is weak), sorted by length as pack_padded_sequence
    needs."""
    images = torch.rand(n, 3, 64, 64) * 0.5
    channels = torch.randint(0, 3, (n,))
    strong = torch.rand(n) > 0.3
    captions = []
    for i in range(n):
        images[i, channels[i]] += 0.5 if strong[i] else 0.1
        words = ['<start>', 'a'] + ([colours[channels[i]]] if strong[i] else []) + \
            ['picture', '<end>']
        captions.append([word2idx[w] for w in words])
    order = sorted(range(n), key=lambda i: -len(captions[i]))
    images = images[order]
    captions = [captions[i] for i in order]
    lengths = [len(c) for c in captions]
    targets = torch.zeros(n, max(lengths), dtype=torch.long)
    for i, cap in enumerate(captions):
        targets[i, :len(cap)] = torch.tensor(cap)
    return images, targets, lengths


class EncoderCNN(nn.Module):
    def __init__(self, embed_size):
        """Load the pretrained ResNet and replace top fc layer."""
        super(EncoderCNN, self).__init__()
        resnet = torchvision.models.resnet18()
        modules = list(resnet.children())[:-1]  # delete the last fc layer.
        self.resnet = nn.Sequential(*modules)
        self.linear = nn.Linear(resnet.fc.in_features, embed_size)
        self.bn = nn.BatchNorm1d(embed_size, momentum=0.01)

    def forward(self, images):
        """Extract feature vectors from input images."""
        with torch.no_grad():
            features = self.resnet(images)
        features = features.reshape(features.size(0), -1)
        features = self.bn(self.linear(features))
        return features


class DecoderRNN(nn.Module):
    def __init__(self, embed_size, hidden_size, vocab_size, num_layers, max_seq_length=8):
        """Set the hyper-parameters and build the layers."""
        super(DecoderRNN, self).__init__()
        self.embed = nn.Embedding(vocab_size, embed_size)
        self.lstm = nn.LSTM(embed_size, hidden_size, num_layers, batch_first=True)
        self.linear = nn.Linear(hidden_size, vocab_size)
        self.max_seg_length = max_seq_length

    def forward(self, features, captions, lengths):
        """Decode image feature vectors and generates captions."""
        embeddings = self.embed(captions)
        embeddings = torch.cat((features.unsqueeze(1), embeddings), 1)
        packed = pack_padded_sequence(embeddings, lengths, batch_first=True)
        hiddens, _ = self.lstm(packed)
        outputs = self.linear(hiddens[0])
        return outputs

    def sample(self, features, states=None):
        """Generate captions for given image features using greedy search."""
        sampled_ids = []
        inputs = features.unsqueeze(1)
        for i in range(self.max_seg_length):
            hiddens, states = self.lstm(inputs, states)  # hiddens: (batch_size, 1, hidden_size)
            outputs = self.linear(hiddens.squeeze(1))  # outputs:  (batch_size, vocab_size)
            _, predicted = outputs.max(1)  # predicted: (batch_size)
            sampled_ids.append(predicted)
            inputs = self.embed(predicted)  # inputs: (batch_size, embed_size)
            inputs = inputs.unsqueeze(1)  # inputs: (batch_size, 1, embed_size)
        sampled_ids = torch.stack(sampled_ids, 1)  # sampled_ids: (batch_size, max_seq_length)
        return sampled_ids

    def beam_search(self, feature, beam_size=3):
        """The most probable caption of one image's feature (1, embed_size), keeping the
        beam_size best partial captions at each step."""
        inputs, states = feature.unsqueeze(1), None
        hiddens, states = self.lstm(inputs, states)
        beams = [([], 0.0, states, hiddens.squeeze(1))]
        for _ in range(self.max_seg_length):
            candidates = []
            for words, score, states, hidden in beams:
                if words and words[-1] == word2idx['<end>']:
                    candidates.append((words, score, states, hidden))
                    continue
                log_probs = F.log_softmax(self.linear(hidden), dim=1)
                top_lp, top_ix = log_probs.topk(beam_size, 1)
                for lp, ix in zip(top_lp[0], top_ix[0]):
                    nxt = self.embed(ix.view(1)).unsqueeze(1)
                    h, s = self.lstm(nxt, states)
                    candidates.append((words + [ix.item()], score + lp.item(), s, h.squeeze(1)))
            beams = sorted(candidates, key=lambda b: -b[1])[:beam_size]
        return beams[0][0], beams[0][1]


def caption(ids):
    words = []
    for i in ids:
        word = vocab[i]
        words.append(word)
        if word == '<end>':
            break
    return ' '.join(words)


embed_size, hidden_size = 32, 48
encoder = EncoderCNN(embed_size)
decoder = DecoderRNN(embed_size, hidden_size, len(vocab), 1)
criterion = nn.CrossEntropyLoss()
params = list(decoder.parameters()) + list(encoder.linear.parameters()) + \
    list(encoder.bn.parameters())
optimizer = torch.optim.Adam(params, lr=0.01)

for step in range(30):
    images, captions, lengths = fake_batch(8)
    targets = pack_padded_sequence(captions, lengths, batch_first=True)[0]
    features = encoder(images)
    outputs = decoder(features, captions, lengths)
    loss = criterion(outputs, targets)
    decoder.zero_grad()
    encoder.zero_grad()
    loss.backward()
    optimizer.step()
    if step % 5 == 0:
        print('Step [{}/{}], Loss: {:.4f}, Perplexity: {:5.4f}'.format(
            step, 30, loss.item(), math.exp(loss.item())))

encoder.eval()
decoder.eval()
images, captions, lengths = fake_batch(4)
with torch.no_grad():
    features = encoder(images)
    sampled = decoder.sample(features)
    print(sampled.shape, outputs.grad_fn)
    for i in range(4):
        words, score = decoder.beam_search(features[i:i + 1])
        print(caption(captions[i].tolist()[1:]), '|', caption(sampled[i].tolist()), '|',
              caption(words), '%.4f' % score)
