# 深度学习入门之PyTorch 3.8 and 4.5 (seed 002): MNIST with a three-layer batch-normalized
# network, then with a CNN, whose state_dict is saved.
# Changes: a manual_seed; the data are the test's small MNIST files under ./data; 2 of the
# MLP's 20 epochs and 1 of the CNN's 5.
import torch
from torch import nn, optim
from torch.autograd import Variable
from torch.utils.data import DataLoader
from torchvision import datasets, transforms
torch.manual_seed(0)


#带有批标准化和激活函数的三层全连接神经网络
class Batch_Net(nn.Module):
    def __init__(self, in_dim, n_hidden_1, n_hidden_2, out_dim):
        super(Batch_Net, self).__init__()
        self.layer1 = nn.Sequential(nn.Linear(in_dim, n_hidden_1), nn.BatchNorm1d(n_hidden_1), nn.ReLU(True))
        self.layer2 = nn.Sequential(nn.Linear(n_hidden_1, n_hidden_2), nn.BatchNorm1d(n_hidden_2), nn.ReLU(True))
        self.layer3 = nn.Sequential(nn.Linear(n_hidden_2, out_dim))

    def forward(self, x):
        x = self.layer1(x)
        x = self.layer2(x)
        x = self.layer3(x)
        return x


batch_size = 64
learning_rate = 1e-2
num_epoch = 2

data_tf = transforms.Compose(
    [transforms.ToTensor(), transforms.Normalize([0.5], [0.5])]
)
# 获取数据集
train_dataset = datasets.MNIST(root="./data", train=True, transform=data_tf, download=True)
test_dataset = datasets.MNIST(root="./data", train=False, transform=data_tf)
# 数据迭代器,传入数据集和batch_size,通过shuffle=True来表示是否将数据打乱
train_loader = DataLoader(train_dataset, batch_size=batch_size, shuffle=True)
test_loader = DataLoader(test_dataset, batch_size=batch_size, shuffle=False)

model = Batch_Net(28 * 28, 300, 100, 10)
if torch.cuda.is_available():
    model = model.cuda()
print(model)

criterion = nn.CrossEntropyLoss() #交叉熵
# 优化
optimizer = optim.SGD(model.parameters(), lr=learning_rate)

#训练
for epoch in range(num_epoch):
    eval_loss = 0
    eval_acc = 0
    for data in train_loader:
        img, label = data
        img = img.view(img.size(0), -1)
        if torch.cuda.is_available():
            img = Variable(img).cuda()
            label = Variable(label).cuda()
        else:
            img = Variable(img)
            label = Variable(label)
        out = model(img)
        loss = criterion(out, label)
        # backward
        optimizer.zero_grad() #置0
        loss.backward() #求梯度
        optimizer.step() #更新所有的参数,梯度下降
        #acc
        eval_loss += loss * label.size(0)
        _, pred = torch.max(out, 1)
        num_correct = (pred == label).sum()
        eval_acc += num_correct
    print('Epoch:{},Loss: {:.6f},Acc:{:.6f}'.format(epoch, eval_loss / (len(train_dataset)), float(eval_acc) / (len(train_dataset))))

#测试
model.eval()
eval_loss = 0
eval_acc = 0
for data in test_loader:
    img, label = data
    img = img.view(img.size(0), -1)
    if torch.cuda.is_available():
        img = Variable(img).cuda()
        label = Variable(label).cuda()
    else:
        img = Variable(img)
        label = Variable(label)
    out = model(img)
    loss = criterion(out, label)
    eval_loss += loss.data * label.size(0)
    _, pred = torch.max(out, 1)
    num_correct = (pred == label).sum()
    eval_acc += num_correct.data
print('Test Loss: {:.6f},Acc:{:.6f}'.format(eval_loss / (len(test_dataset)), float(eval_acc) / (len(test_dataset))))


# 4.5 再实现MNIST手写数字分类
class CNN(nn.Module):
    def __init__(self):
        super(CNN, self).__init__()
        self.layer1 = nn.Sequential(
            nn.Conv2d(1, 16, kernel_size=3),
            nn.BatchNorm2d(16), # 归一化处理,使得数据分布一致,避免梯度消失或梯度爆炸
            nn.ReLU(inplace=True)
        )
        self.layer2 = nn.Sequential(
            nn.Conv2d(16, 32, kernel_size=3),
            nn.BatchNorm2d(32),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=2, stride=2)
        )
        self.layer3 = nn.Sequential(
            nn.Conv2d(32, 64, kernel_size=3),
            nn.BatchNorm2d(64),
            nn.ReLU(inplace=True)
        )
        self.layer4 = nn.Sequential(
            nn.Conv2d(64, 128, kernel_size=3),
            nn.BatchNorm2d(128),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=2, stride=2)
        )
        self.fc = nn.Sequential(
            nn.Linear(128 * 4 * 4, 1024),
            nn.ReLU(inplace=True),
            nn.Linear(1024, 128),
            nn.ReLU(inplace=True),
            nn.Linear(128, 10)
        )

    def forward(self, x):
        x = self.layer1(x)
        x = self.layer2(x)
        x = self.layer3(x)
        x = self.layer4(x)
        x = x.view(x.size(0), -1)
        x = self.fc(x)
        return x


num_epoch = 1
model = CNN()
if torch.cuda.is_available():
    model = model.cuda()
criterion = nn.CrossEntropyLoss()
optimizer = optim.SGD(model.parameters(), lr=learning_rate)

for epoch in range(num_epoch):
    eval_loss = 0.0
    eval_acc = 0.0
    print("Epoch {}/{}".format(epoch, num_epoch))
    print("-" * 20)
    for data in train_loader:
        img, label = data
        if torch.cuda.is_available():
            img = Variable(img).cuda()
            label = Variable(label).cuda()
        else:
            img = Variable(img)
            label = Variable(label)
        out = model(img)
        loss = criterion(out, label)
        # backward
        optimizer.zero_grad() #置0
        loss.backward() #求梯度
        optimizer.step() #更新所有的参数,梯度下降
        #acc
        eval_loss += loss.data
        _, pred = torch.max(out, 1)
        eval_acc += (pred == label).sum()
    print('Epoch:{},Loss: {:.4f},Acc:{:.4f}%'.format(epoch, eval_loss / (len(train_dataset)), 100 * float(eval_acc) / (len(train_dataset))))
PATH = './minist_net.pth'
print("Train finished!")
torch.save(model.state_dict(), PATH)
model.load_state_dict(torch.load(PATH))
print(sorted(torch.load(PATH))[:4])
